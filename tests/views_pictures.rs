//! `marginalia query P timeline|network --svg F --png F` on the sample project: the SVG
//! parses with quick-xml and holds the sample's events and people; the PNG decodes with
//! `image` at the SVG's size.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/korean-armistice-1951")
}

/// Every `<title>` text in the SVG.
fn titles(svg: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(svg);
    let (mut out, mut in_title) = (Vec::new(), false);
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => in_title = e.name().as_ref() == b"title",
            Event::Text(t) if in_title => out.push(t.decode().unwrap().into_owned()),
            Event::End(_) => in_title = false,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn draw(question: &str, dir: &Path) -> (String, image::DynamicImage) {
    let (svg, png) = (
        dir.join(format!("{question}.svg")),
        dir.join(format!("{question}.png")),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("query")
        .arg(sample())
        .arg(question)
        .arg("--svg")
        .arg(&svg)
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{question}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read_to_string(&svg).unwrap(),
        image::open(&png).unwrap(),
    )
}

#[test]
fn timeline_and_network_pictures_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (svg, png) = draw("timeline", tmp.path());
    let t = titles(&svg);
    assert!(
        t.iter()
            .any(|x| x.starts_with("Meeting: meeting resumed") && x.contains("1951-07-10T15:00")),
        "{t:?}"
    );
    assert_eq!(png.width(), 1200);
    let (svg, png) = draw("network", tmp.path());
    let t = titles(&svg);
    assert!(t.iter().any(|x| x == "Li Kenong"), "{t:?}");
    assert!(
        t.iter()
            .any(|x| x.starts_with("Li Kenong → Kim Il Sung: Copy")),
        "{t:?}"
    );
    assert_eq!((png.width(), png.height()), (1000, 1000));
}
