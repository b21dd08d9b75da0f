//! Hostile page images: decompression bombs, truncated files, wrong extensions, 0 × 0
//! images and non-files give errors naming the file, never a panic.
#![allow(clippy::unwrap_used)]

use marginalia::facsimile::{DecodeError, DecodeLimits, decode_page};
use std::path::Path;

mod support;
use support::images::{encoded, png_claiming};

fn decode_file(name: &str, bytes: &[u8]) -> (Result<image::RgbImage, DecodeError>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let r = decode_page(&path, &DecodeLimits::default());
    (r, path.display().to_string())
}

fn assert_names_file(e: &DecodeError, path: &str) {
    assert!(
        e.to_string().ends_with(path),
        "error must end with the path: {e}"
    );
}

#[test]
fn decompression_bomb_is_refused_from_its_header() {
    // 50,000 × 50,000 RGB would be 7.5 GB decoded.
    let (r, path) = decode_file("bomb.png", &png_claiming(50_000, 50_000));
    let e = r.unwrap_err();
    assert!(matches!(e, DecodeError::Bomb { width: 50_000, .. }), "{e}");
    assert!(e.to_string().contains("decompression bomb"), "{e}");
    assert_names_file(&e, &path);
    // Within the side limit but over the pixel limit.
    let (r, _) = decode_file("wide.png", &png_claiming(29_000, 29_000));
    assert!(matches!(r.unwrap_err(), DecodeError::Bomb { .. }));
}

#[test]
fn allocation_limit_is_passed_to_the_decoder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.png");
    std::fs::write(&path, encoded(image::ImageFormat::Png)).unwrap();
    let limits = DecodeLimits {
        max_alloc: 1024,
        ..DecodeLimits::default()
    };
    let e = decode_page(&path, &limits).unwrap_err();
    assert!(matches!(e, DecodeError::Bomb { .. }), "{e}");
    assert_names_file(&e, &path.display().to_string());
}

#[test]
fn zero_by_zero_is_refused() {
    for (w, h) in [(0, 0), (0, 10), (10, 0)] {
        let (r, path) = decode_file("empty.png", &png_claiming(w, h));
        let e = r.unwrap_err();
        // The PNG decoder itself may reject a zero dimension as corrupt; either way it is an
        // error naming the file.
        assert!(
            matches!(e, DecodeError::Empty { .. } | DecodeError::Corrupt { .. }),
            "{e}"
        );
        assert_names_file(&e, &path);
    }
}

#[test]
fn truncated_files_are_refused() {
    let png = encoded(image::ImageFormat::Png);
    for cut in [8, 40, png.len() / 2, png.len() - 13] {
        let (r, path) = decode_file("cut.png", &png[..cut]);
        let e = r.unwrap_err();
        assert!(
            matches!(e, DecodeError::Corrupt { .. }),
            "cut at {cut}: {e}"
        );
        assert!(e.to_string().contains("truncated or corrupt"), "{e}");
        assert_names_file(&e, &path);
    }
    let jpeg = encoded(image::ImageFormat::Jpeg);
    let (r, path) = decode_file("cut.jpg", &jpeg[..60]);
    assert_names_file(&r.unwrap_err(), &path);
    // A JPEG cut in its scan data: decoded leniently or refused, but never a panic.
    for cut in [jpeg.len() / 3, jpeg.len() - 2] {
        let (r, path) = decode_file("half.jpg", &jpeg[..cut]);
        if let Err(e) = r {
            assert_names_file(&e, &path);
        }
    }
}

#[test]
fn content_wins_over_extension() {
    let (r, path) = decode_file("letter.jpg", b"Dear Comrade Filippov,\n");
    let e = r.unwrap_err();
    assert!(matches!(e, DecodeError::UnknownFormat { .. }), "{e}");
    assert_names_file(&e, &path);
    // A PNG named .jpg is read as the PNG it is.
    let (r, _) = decode_file("scan.jpg", &encoded(image::ImageFormat::Png));
    assert_eq!(r.unwrap().dimensions(), (256, 256));
    // Formats outside PNG, JPEG and TIFF are refused even when `image` knows them.
    let (r, _) = decode_file("scan.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;");
    assert!(matches!(r.unwrap_err(), DecodeError::UnknownFormat { .. }));
}

#[test]
fn only_regular_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let e = decode_page(dir.path(), &DecodeLimits::default()).unwrap_err();
    assert!(matches!(e, DecodeError::NotAFile { .. }), "{e}");
    let missing = dir.path().join("missing.png");
    let e = decode_page(&missing, &DecodeLimits::default()).unwrap_err();
    assert!(matches!(e, DecodeError::Io { .. }), "{e}");
    assert_names_file(&e, &missing.display().to_string());
    #[cfg(unix)]
    {
        let e = decode_page(Path::new("/dev/zero"), &DecodeLimits::default()).unwrap_err();
        assert!(matches!(e, DecodeError::NotAFile { .. }), "{e}");
    }
    let big = dir.path().join("big.png");
    std::fs::write(&big, encoded(image::ImageFormat::Png)).unwrap();
    let limits = DecodeLimits {
        max_file_bytes: 100,
        ..DecodeLimits::default()
    };
    assert!(matches!(
        decode_page(&big, &limits).unwrap_err(),
        DecodeError::TooLarge { limit: 100, .. }
    ));
}
