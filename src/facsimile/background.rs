//! Decoding page images on a background thread, polled by the viewer.

use super::decode::{self, DecodeError, DecodeLimits};
use super::pyramid::Pyramid;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// What the decoder reports about a requested page, identified by the caller's `key`.
#[derive(Debug)]
pub enum DecodeEvent {
    /// The size from the file's header, sent first, so a placeholder of the right shape can
    /// be drawn while the pixels decode.
    Dimensions { key: u64, width: u32, height: u32 },
    /// The decoded page with its downsampled levels.
    Ready { key: u64, pyramid: Arc<Pyramid> },
    /// The page could not be read; the error names the file.
    Failed { key: u64, error: DecodeError },
}

struct Job {
    key: u64,
    path: PathBuf,
}

/// One worker thread decoding requested pages in order. Dropping it lets the worker
/// finish its current page and stop.
pub struct BackgroundDecoder {
    jobs: Option<Sender<Job>>,
    events: Receiver<DecodeEvent>,
    worker: Option<JoinHandle<()>>,
}

impl BackgroundDecoder {
    /// Starts the worker thread.
    pub fn spawn(limits: DecodeLimits) -> std::io::Result<Self> {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (ev_tx, ev_rx) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("facsimile-decoder".into())
            .spawn(move || {
                for job in job_rx {
                    if run(&job, &limits, &ev_tx).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            jobs: Some(job_tx),
            events: ev_rx,
            worker: Some(worker),
        })
    }

    /// Queues the page image at `path`; its events carry `key`.
    pub fn request(&self, key: u64, path: PathBuf) {
        if let Some(tx) = &self.jobs {
            // The worker only stops when `self` drops, so a send cannot fail while we live.
            let _ = tx.send(Job { key, path });
        }
    }

    /// The events that arrived since the last poll; never blocks.
    pub fn poll(&self) -> Vec<DecodeEvent> {
        self.events.try_iter().collect()
    }

    /// Waits for the next event (for tests, benchmarks and the command line).
    pub fn wait(&self) -> Option<DecodeEvent> {
        self.events.recv().ok()
    }
}

impl Drop for BackgroundDecoder {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Decodes one job; `Err` when the receiver is gone.
fn run(
    job: &Job,
    limits: &DecodeLimits,
    tx: &Sender<DecodeEvent>,
) -> Result<(), mpsc::SendError<DecodeEvent>> {
    let key = job.key;
    let decoded = decode::decode_page_with(&job.path, limits, |width, height| {
        let _ = tx.send(DecodeEvent::Dimensions { key, width, height });
    });
    tx.send(match decoded {
        Ok(img) => DecodeEvent::Ready {
            key,
            pyramid: Arc::new(Pyramid::new(img)),
        },
        Err(error) => DecodeEvent::Failed { key, error },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_in_the_background_and_reports_failures() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("p.png");
        image::RgbImage::new(700, 40).save(&good).unwrap();
        let bad = dir.path().join("q.jpg");
        std::fs::write(&bad, b"not an image").unwrap();
        let d = BackgroundDecoder::spawn(DecodeLimits::default()).unwrap();
        d.request(1, good);
        d.request(2, bad);
        match d.wait().unwrap() {
            DecodeEvent::Dimensions {
                key: 1,
                width: 700,
                height: 40,
            } => {}
            e => panic!("{e:?}"),
        }
        match d.wait().unwrap() {
            DecodeEvent::Ready { key: 1, pyramid } => {
                assert_eq!(pyramid.size(), (700, 40));
                assert_eq!(pyramid.level_count(), 2);
            }
            e => panic!("{e:?}"),
        }
        match d.wait().unwrap() {
            DecodeEvent::Failed { key: 2, error } => {
                assert!(error.to_string().ends_with("q.jpg"), "{error}")
            }
            e => panic!("{e:?}"),
        }
    }
}
