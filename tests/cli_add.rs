//! `marginalia add PROJECT FILE…` run as the debug binary on a copy of the sample: a file
//! inside the project folder is added where it is, a file outside is refused without
//! `--copy` (and the project is left unchanged) and copied into sources/ with it.
#![allow(clippy::unwrap_used)]

use marginalia::build_info;
use std::path::Path;
use std::process::{Command, Output};

fn add(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .arg("add")
        .args(args)
        .output()
        .unwrap()
}

fn titles(project: &Path) -> Vec<String> {
    let mut t: Vec<String> = marginalia::store::load(project)
        .unwrap()
        .project
        .documents
        .values()
        .map(|d| d.meta.title.clone())
        .collect();
    t.sort();
    t
}

#[test]
fn add_inside_in_place_outside_only_with_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(tmp.path()).unwrap();
    let dir = file.parent().unwrap().to_path_buf();
    let before = titles(&dir);
    std::fs::write(dir.join("sources/note.txt"), "A note on Kaesong.\n").unwrap();
    let outside = tmp.path().join("letter.txt");
    std::fs::write(&outside, "Dear Nam Il,\n").unwrap();

    let out = add(&[dir.as_os_str(), dir.join("sources/note.txt").as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("added sources/note.txt (in the project folder)"),
        "{stdout}"
    );
    let mut want = before.clone();
    want.push("note".into());
    want.sort();
    assert_eq!(titles(&dir), want);

    // Outside the folder without --copy: refused, nothing written.
    let out = add(&[dir.as_os_str(), outside.as_os_str()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--copy"), "{stderr}");
    assert!(!dir.join("sources/letter.txt").exists());
    assert_eq!(titles(&dir), want);

    // With --copy: copied into sources/ and added; adding it again is skipped.
    let out = add(&[dir.as_os_str(), outside.as_os_str(), "--copy".as_ref()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("added sources/letter.txt (copied from"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("sources/letter.txt")).unwrap(),
        "Dear Nam Il,\n"
    );
    want.push("letter".into());
    want.sort();
    assert_eq!(titles(&dir), want);
    let out = add(&[dir.as_os_str(), outside.as_os_str(), "--copy".as_ref()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("skipped sources/letter.txt"));
    assert_eq!(titles(&dir), want);
}

#[test]
fn copy_never_replaces_a_different_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = build_info::install_sample(tmp.path()).unwrap();
    let dir = file.parent().unwrap().to_path_buf();
    std::fs::write(dir.join("sources/letter.txt"), "mine\n").unwrap();
    let outside = tmp.path().join("letter.txt");
    std::fs::write(&outside, "theirs\n").unwrap();
    let out = add(&[dir.as_os_str(), outside.as_os_str(), "--copy".as_ref()]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("sources/letter.txt")).unwrap(),
        "mine\n",
        "the file already there is kept"
    );
    // The copy takes the next free name, as Add documents and Add pages in the window do.
    assert_eq!(
        std::fs::read_to_string(dir.join("sources/letter-2.txt")).unwrap(),
        "theirs\n"
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("added sources/letter-2.txt (copied from"),
        "{said}"
    );
    // The same file again is no second copy.
    let out = add(&[dir.as_os_str(), outside.as_os_str(), "--copy".as_ref()]);
    assert!(out.status.success(), "{out:?}");
    assert!(!dir.join("sources/letter-3.txt").exists());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("skipped sources/letter-2.txt"),
        "{out:?}"
    );
}
