//! A tiny HTTP/1.1 file server on 127.0.0.1 for tests: serves the files of a folder, a
//! redirect to a `file:` address at `/redirect-to-file`, and counts requests. It answers
//! only GET, one request per connection, and stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub struct Server {
    pub base: String,
    stop: Arc<AtomicBool>,
    pub requests: Arc<AtomicUsize>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `root` at `http://127.0.0.1:PORT/`.
    pub fn start(root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}/", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (s, r, root) = (stop.clone(), requests.clone(), root.to_path_buf());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        r.fetch_add(1, Ordering::Relaxed);
                        let root = root.clone();
                        std::thread::spawn(move || serve(stream, &root));
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        Self {
            base,
            stop,
            requests,
            handle: Some(handle),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(stream: TcpStream, root: &Path) {
    stream.set_nonblocking(false).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut out = stream;
    if path == "/redirect-to-file" {
        let _ = out.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let rel = path.trim_start_matches('/').split('?').next().unwrap_or("");
    let file = rel
        .split('/')
        .filter(|p| !p.is_empty() && *p != "..")
        .fold(root.to_path_buf(), |p, part| p.join(part));
    match std::fs::read(&file) {
        Ok(bytes) if file.is_file() => {
            let ty = match file.extension().and_then(|e| e.to_str()) {
                Some("json") => "application/json",
                Some("jpg") => "image/jpeg",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            let _ = out.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
                    bytes.len()
                )
                .as_bytes(),
            );
            let _ = out.write_all(&bytes);
        }
        _ => {
            let _ = out.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    }
}
