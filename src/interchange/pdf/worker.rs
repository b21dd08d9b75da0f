//! Reading a PDF in a child process, so that a hostile or broken file costs bounded memory
//! and time and can never take the application down.
//!
//! The child is our own binary (`marginalia pdf-worker`, hidden): it reads the PDF's bytes
//! from standard input, limits its own address space to [`MEMORY_LIMIT`], and writes
//! [`Record`]s to standard output: one JSON line each, an image's bytes right after its
//! line. First every page's text (fast), then the page images, rendered on up to four
//! threads. The parent ([`extract`]) kills it when a record takes longer than
//! [`RECORD_TIMEOUT`], when it is cancelled, and reports a child that died (out of memory,
//! a crash in the reader) as an error naming the file. Where no binary can be found (a
//! library used on its own), the same work runs in this process, on a thread, with panics
//! caught.

use super::render::{Rendered, render_page};
use super::text::{PageText, page_text};
use super::{PdfError, open, page_labels, text_string};
use hayro::hayro_interpret::InterpreterSettings;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The child's address-space limit.
pub const MEMORY_LIMIT: u64 = 3 << 30;
/// The longest the child may take for one record (one page's text or image).
pub const RECORD_TIMEOUT: Duration = Duration::from_secs(90);
/// The version of the records; a child speaking another is not used.
pub const PROTOCOL: u32 = 1;

/// What the reader tells about a PDF, in order: [`Record::Start`], a [`Record::Text`] per
/// page, a [`Record::Image`] per page (in any order), [`Record::End`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Record {
    Start {
        protocol: u32,
        pages: usize,
        labels: Vec<String>,
        /// Document information: title, author, subject, keywords, creator, producer.
        info: Vec<(String, String)>,
    },
    Text {
        page: usize,
        text: String,
        unmapped: usize,
        image_cover: f64,
    },
    Image {
        page: usize,
        ext: String,
        width: u32,
        height: u32,
        #[serde(skip)]
        bytes: Vec<u8>,
        len: usize,
    },
    /// A page that could not be rendered (the import reports it).
    ImageFailed {
        page: usize,
        reason: String,
    },
    /// The reader's peak resident memory (Linux `VmHWM`, KiB; 0 where unknown), last.
    Memory {
        peak_kib: u64,
    },
    Error(PdfError),
    End,
}

/// Reads `data` and hands each record to `emit` (in this process); `render` false skips
/// the page images. Stops early when `emit` returns `false`.
pub fn process(data: Arc<Vec<u8>>, render: bool, emit: &mut dyn FnMut(Record) -> bool) {
    let pdf = match open(data.clone()) {
        Ok(p) => p,
        Err(e) => {
            emit(Record::Error(e));
            return;
        }
    };
    let settings = InterpreterSettings::default();
    let n = pdf.pages().len();
    let m = pdf.metadata();
    let info: Vec<(String, String)> = [
        ("title", &m.title),
        ("author", &m.author),
        ("subject", &m.subject),
        ("keywords", &m.keywords),
        ("creator", &m.creator),
        ("producer", &m.producer),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        let s = text_string(v.as_deref()?);
        (!s.trim().is_empty()).then(|| (k.to_owned(), s.trim().to_owned()))
    })
    .collect();
    if !emit(Record::Start {
        protocol: PROTOCOL,
        pages: n,
        labels: page_labels(&pdf),
        info,
    }) {
        return;
    }
    let mut photo = Vec::with_capacity(n);
    for (i, page) in pdf.pages().iter().enumerate() {
        let PageText {
            text,
            unmapped,
            image_cover,
        } = page_text(page, &settings);
        photo.push(image_cover > 0.5);
        if !emit(Record::Text {
            page: i,
            text,
            unmapped,
            image_cover,
        }) {
            return;
        }
    }
    drop(pdf);
    if render {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4)
            .min(n);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<Rendered, String>)>(threads);
        let photo = Arc::new(photo);
        let stop = Arc::new(AtomicBool::new(false));
        let mut handles = Vec::new();
        for k in 0..threads {
            let (tx, data, photo, stop) = (tx.clone(), data.clone(), photo.clone(), stop.clone());
            handles.push(std::thread::spawn(move || {
                let Ok(pdf) = open(data) else { return };
                let cache = hayro::RenderCache::new();
                let settings = InterpreterSettings::default();
                for (i, page) in pdf.pages().iter().enumerate().skip(k).step_by(threads) {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let r = render_page(page, &cache, &settings, photo[i]);
                    if tx.send((i, r)).is_err() {
                        return;
                    }
                }
            }));
        }
        drop(tx);
        for (page, r) in rx {
            let rec = match r {
                Ok(img) => Record::Image {
                    page,
                    ext: img.ext.to_owned(),
                    width: img.width,
                    height: img.height,
                    len: img.bytes.len(),
                    bytes: img.bytes,
                },
                Err(reason) => Record::ImageFailed { page, reason },
            };
            if !emit(rec) {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        for h in handles {
            let _ = h.join();
        }
    }
    emit(Record::Memory {
        peak_kib: peak_rss_kib(),
    });
    emit(Record::End);
}

/// This process's peak resident memory in KiB (Linux `VmHWM`), 0 where unknown.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The child's side: `marginalia pdf-worker`. Limits its memory, reads the PDF from
/// standard input and writes records to standard output. Returns the exit code.
pub fn serve_stdio(render: bool) -> i32 {
    limit_memory();
    let mut data = Vec::new();
    if std::io::stdin()
        .take(super::MAX_PDF_BYTES + 1)
        .read_to_end(&mut data)
        .is_err()
    {
        return 2;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut ok = true;
    process(Arc::new(data), render, &mut |rec| {
        ok = write_record(&mut out, &rec).is_ok() && out.flush().is_ok();
        ok
    });
    if ok { 0 } else { 3 }
}

fn write_record(out: &mut impl Write, rec: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, rec)?;
    out.write_all(b"\n")?;
    if let Record::Image { bytes, .. } = rec {
        out.write_all(bytes)?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn limit_memory() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let _ = setrlimit(
        Resource::As,
        Rlimit {
            current: Some(MEMORY_LIMIT),
            maximum: Some(MEMORY_LIMIT),
        },
    );
}

#[cfg(not(target_os = "linux"))]
fn limit_memory() {}

/// The binary to run as the worker: `MARGINALIA_PDF_WORKER`, else this program when it
/// is Marginalia, else the `marginalia` binary beside the folder this program is in (test
/// and bench programs run from `target/<profile>/deps/`).
pub fn worker_exe() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MARGINALIA_PDF_WORKER") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let name = format!("marginalia{}", std::env::consts::EXE_SUFFIX);
    if exe.file_name().and_then(|n| n.to_str()) == Some(name.as_str()) {
        return Some(exe);
    }
    let up = exe.parent()?.parent()?.join(&name);
    up.is_file().then_some(up)
}

/// Why reading stopped, when it was not the PDF's fault alone.
#[derive(Debug)]
pub enum Stop {
    Pdf(PdfError),
    Cancelled,
    /// The caller's own error, from `on`.
    Caller(String),
}

/// Reads `data` in a child process (or in this one when no worker binary is found),
/// handing each record to `on`. `cancel` stops it at the next record.
pub fn extract(
    data: Vec<u8>,
    render: bool,
    cancel: Option<&AtomicBool>,
    on: &mut dyn FnMut(Record) -> Result<(), String>,
) -> Result<(), Stop> {
    if let Some(exe) = worker_exe() {
        match extract_child(&exe, &data, render, cancel, on) {
            Err(ChildFailure::NotAWorker) => {}
            Err(ChildFailure::Stop(s)) => return Err(s),
            Ok(()) => return Ok(()),
        }
    }
    extract_here(data, render, cancel, on)
}

enum ChildFailure {
    /// The binary is not a worker of this protocol (an old build): read here instead.
    NotAWorker,
    Stop(Stop),
}

/// One message from the reading thread.
enum Msg {
    Rec(Record),
    Eof,
    Bad(String),
}

fn extract_child(
    exe: &std::path::Path,
    data: &[u8],
    render: bool,
    cancel: Option<&AtomicBool>,
    on: &mut dyn FnMut(Record) -> Result<(), String>,
) -> Result<(), ChildFailure> {
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(exe);
    cmd.arg("pdf-worker");
    if !render {
        cmd.arg("--text-only");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| ChildFailure::NotAWorker)?;
    let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ChildFailure::NotAWorker);
    };
    let bytes = data.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = (&mut stderr).take(64 << 10).read_to_string(&mut s);
        s
    });
    let (tx, rx) = std::sync::mpsc::channel::<Msg>();
    let reader = std::thread::spawn(move || {
        let mut r = std::io::BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match (&mut r).take(1 << 20).read_line(&mut line) {
                Ok(0) => {
                    let _ = tx.send(Msg::Eof);
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    let _ = tx.send(Msg::Bad(e.to_string()));
                    return;
                }
            }
            let mut rec: Record = match serde_json::from_str(line.trim_end()) {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Msg::Bad(format!(
                        "{e}: {}",
                        line.chars().take(200).collect::<String>()
                    )));
                    return;
                }
            };
            if let Record::Image { len, bytes, .. } = &mut rec {
                if *len > 256 << 20 {
                    let _ = tx.send(Msg::Bad("page image too large".into()));
                    return;
                }
                let mut buf = vec![0; *len];
                if let Err(e) = r.read_exact(&mut buf) {
                    let _ = tx.send(Msg::Bad(e.to_string()));
                    return;
                }
                *bytes = buf;
            }
            if tx.send(Msg::Rec(rec)).is_err() {
                return;
            }
        }
    });
    let mut started = false;
    let mut last = std::time::Instant::now();
    let finish = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let result = loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            finish(&mut child);
            break Err(ChildFailure::Stop(Stop::Cancelled));
        }
        let msg = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                // Timed per record: the clock restarts with each one.
                if last.elapsed() > RECORD_TIMEOUT {
                    finish(&mut child);
                    break Err(ChildFailure::Stop(Stop::Pdf(PdfError::Failed(format!(
                        "one page took longer than {} s; the PDF may be built to exhaust its reader",
                        RECORD_TIMEOUT.as_secs()
                    )))));
                }
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Msg::Eof,
        };
        last = std::time::Instant::now();
        match msg {
            Msg::Rec(Record::Start { protocol, .. }) if protocol != PROTOCOL => {
                finish(&mut child);
                break Err(ChildFailure::NotAWorker);
            }
            Msg::Rec(Record::Error(e)) => {
                finish(&mut child);
                break Err(ChildFailure::Stop(Stop::Pdf(e)));
            }
            Msg::Rec(Record::End) => {
                let _ = child.wait();
                break Ok(());
            }
            Msg::Rec(rec) => {
                started |= matches!(rec, Record::Start { .. });
                if let Err(e) = on(rec) {
                    finish(&mut child);
                    break Err(ChildFailure::Stop(Stop::Caller(e)));
                }
            }
            Msg::Eof | Msg::Bad(_) => {
                let status = child.wait();
                if !started && status.as_ref().is_ok_and(|s| s.code() == Some(2)) {
                    // Not our worker (an unknown subcommand): read in this process.
                    break Err(ChildFailure::NotAWorker);
                }
                let detail = match &msg {
                    Msg::Bad(e) => e.clone(),
                    _ => String::new(),
                };
                break Err(ChildFailure::Stop(Stop::Pdf(PdfError::Failed(format!(
                    "the PDF reader stopped ({}{}); the file may be damaged or need more than {} GiB of memory",
                    status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                    if detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {detail}")
                    },
                    MEMORY_LIMIT >> 30
                )))));
            }
        }
    };
    let _ = writer.join();
    let stderr_text = err_reader.join().unwrap_or_default();
    let _ = reader.join();
    match result {
        Err(ChildFailure::Stop(Stop::Pdf(PdfError::Failed(m))))
            if !stderr_text.trim().is_empty() =>
        {
            let last = stderr_text
                .trim()
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned();
            Err(ChildFailure::Stop(Stop::Pdf(PdfError::Failed(format!(
                "{m}: {last}"
            )))))
        }
        r => r,
    }
}

/// The same work in this process, on a thread; panics in the reader become errors.
fn extract_here(
    data: Vec<u8>,
    render: bool,
    cancel: Option<&AtomicBool>,
    on: &mut dyn FnMut(Record) -> Result<(), String>,
) -> Result<(), Stop> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Record>(4);
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let handle = std::thread::spawn(move || {
        let data = Arc::new(data);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            process(data, render, &mut |rec| {
                !stop2.load(Ordering::Relaxed) && tx.send(rec).is_ok()
            });
        }));
        if r.is_err() {
            let _ = tx.send(Record::Error(PdfError::Failed(
                "the PDF reader failed on this file".into(),
            )));
        }
    });
    let mut result = Ok(());
    for rec in rx.iter() {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            result = Err(Stop::Cancelled);
            break;
        }
        match rec {
            Record::Error(e) => {
                result = Err(Stop::Pdf(e));
                break;
            }
            Record::End => break,
            rec => {
                if let Err(e) = on(rec) {
                    result = Err(Stop::Caller(e));
                    break;
                }
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    drop(rx);
    let _ = handle.join();
    result
}
