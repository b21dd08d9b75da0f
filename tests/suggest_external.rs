//! The external recommender protocol, driven end to end: over HTTP against a stand-in
//! served from this test (plain Rust, always runs), and as a command against the Python
//! stand-in `tests/fixtures/suggest/stand_in.py` (needs python3: ignored by default, run by
//! `.ci/checks/suggest_external.sh`).

#![allow(clippy::unwrap_used)]

use marginalia::model::suggest::Recommender;
use marginalia::model::suggest::external::{Endpoint, ExternalRecommender};
use marginalia::model::{DocId, Document, DocumentMeta, Project, SourceText};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};

fn project(text: &str) -> (Project, DocId) {
    let mut p = Project::new("t");
    let d = Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: "d".into(),
            source: None,
            images: Vec::new(),
            status: Default::default(),
            archival: Default::default(),
        },
        text: Some(SourceText::from_str_normalizing(text)),
        annotations: Default::default(),
    };
    let id = d.id();
    p.documents.insert(id, d);
    (p, id)
}

const TEXT: &str = "Ким Ир Сен 👩‍👩‍👧 met\r\nAcheson in Managua; 毛泽东 e\u{301}te\u{301}.";

fn check(r: &ExternalRecommender) {
    let (p, id) = project(TEXT);
    let s = r.suggest(&p, &p.documents[&id]).unwrap();
    let got: Vec<(&str, &str)> = s
        .iter()
        .map(|s| (s.quote.as_str(), s.type_id.0.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Ким Ир Сен", "person"),
            ("Acheson", "person"),
            ("Managua", "place"),
            ("毛泽东", "person")
        ]
    );
    assert!(
        s.iter()
            .all(|s| s.score == 0.75 && s.recommender.starts_with("external:"))
    );
    // A span out of the text is refused with a reason, not half-read.
    let (p, id) = project("BROKEN Acheson");
    let e = r.suggest(&p, &p.documents[&id]).unwrap_err().to_string();
    assert!(e.contains("not within the text"), "{e}");
}

/// Answers one POST per connection with what the Python stand-in would: the request is
/// read as JSON and the gazetteer looked up in Rust.
fn serve_once_each(listener: std::net::TcpListener, n: usize) {
    for stream in listener.incoming().take(n) {
        let mut s = stream.unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut len = 0;
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        let req: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(req["protocol"], 1);
        let text = req["text"].as_str().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for (name, ty) in [
            ("Ким Ир Сен", "person"),
            ("Acheson", "person"),
            ("Managua", "place"),
            ("毛泽东", "person"),
        ] {
            let n: Vec<char> = name.chars().collect();
            for i in 0..chars.len().saturating_sub(n.len() - 1) {
                if chars[i..i + n.len()] == n[..] {
                    out.push(serde_json::json!({"start": i, "end": i + n.len(), "type": ty, "score": 0.75}));
                }
            }
        }
        if text.contains("BROKEN") {
            out.push(serde_json::json!({"start": 0, "end": chars.len() + 5, "type": "person"}));
        }
        let body = serde_json::json!({ "suggestions": out }).to_string();
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    }
}

#[test]
fn http_endpoint_on_loopback() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || serve_once_each(listener, 2));
    let r = ExternalRecommender::new(
        "t",
        Endpoint::Http {
            url: format!("http://127.0.0.1:{port}/suggest"),
        },
    )
    .unwrap();
    check(&r);
    server.join().unwrap();
}

#[test]
fn only_loopback_addresses_are_allowed() {
    for url in [
        "http://example.org:80/",
        "https://127.0.0.1:9/",
        "http://10.0.0.1:9/",
    ] {
        let e = ExternalRecommender::new("t", Endpoint::Http { url: url.into() }).unwrap_err();
        assert!(e.to_string().contains("only http://127.0.0.1"), "{e}");
    }
}

#[test]
fn a_missing_command_is_an_error_naming_it() {
    let r = ExternalRecommender::new(
        "t",
        Endpoint::Command {
            program: "/nonexistent/recommender".into(),
            args: Vec::new(),
        },
    )
    .unwrap();
    let (p, id) = project("x");
    let e = r.suggest(&p, &p.documents[&id]).unwrap_err().to_string();
    assert!(e.contains("/nonexistent/recommender"), "{e}");
}

fn stand_in() -> String {
    format!(
        "{}/tests/fixtures/suggest/stand_in.py",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
#[ignore = "needs python3; run by .ci/checks/suggest_external.sh"]
fn python_stand_in_as_a_command() {
    let r = ExternalRecommender::new(
        "py",
        Endpoint::Command {
            program: "python3".into(),
            args: vec![stand_in()],
        },
    )
    .unwrap();
    check(&r);
}

#[test]
#[ignore = "needs python3; run by .ci/checks/suggest_external.sh"]
fn python_stand_in_over_http() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new("python3")
        .args([stand_in(), "--serve".into(), port.to_string()])
        .spawn()
        .unwrap();
    let r = ExternalRecommender::new(
        "py",
        Endpoint::Http {
            url: format!("http://127.0.0.1:{port}/"),
        },
    )
    .unwrap();
    // Wait until it listens.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let result = std::panic::catch_unwind(|| check(&r));
    let _ = child.kill();
    let _ = child.wait();
    result.unwrap();
}
