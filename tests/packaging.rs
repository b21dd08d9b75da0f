//! The files the installers ship (docs/install.md): the icons are the SVG design rasterized
//! by resvg, and the desktop entry, MIME type, AppStream metadata and cargo-packager
//! configuration agree with each other and with the code.
//!
//! After changing `assets/icons/marginalia.svg`, write the PNG sizes and the Windows icon
//! again with `MARGINALIA_WRITE_ICONS=1 cargo test --test packaging`.
//! The installed package itself is checked by `.ci/checks/install.sh`.

use std::path::PathBuf;

/// The square sizes installed into the hicolor icon theme (and turned into the macOS .icns).
const PNG_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];
/// The sizes inside the Windows .ico (Explorer, taskbar, installer).
const ICO_SIZES: [u32; 6] = [16, 24, 32, 48, 64, 256];
/// The AppStream component id (also cargo-packager's `identifier`, the macOS bundle id).
const APP_ID: &str = "io.github.marginalia_workbench.Marginalia";
const MIME_TYPE: &str = "application/x-marginalia-project";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn icons_dir() -> PathBuf {
    root().join("assets").join("icons")
}

fn png_path(size: u32) -> PathBuf {
    icons_dir().join(format!("marginalia-{size}.png"))
}

/// The design rendered at `size` × `size` pixels on a transparent background, as PNG bytes.
fn render(size: u32) -> Vec<u8> {
    let svg =
        std::fs::read(icons_dir().join("marginalia.svg")).expect("assets/icons/marginalia.svg");
    let tree = resvg::usvg::Tree::from_data(&svg, &resvg::usvg::Options::default())
        .expect("assets/icons/marginalia.svg parses");
    let scale = size as f32 / tree.size().width();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).expect("icon size");
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().expect("PNG encoding")
}

/// A Windows icon holding `pngs` (size, PNG bytes): the ICONDIR header, one ICONDIRENTRY
/// per image, then the PNG streams (PNG inside .ico: Windows Vista and later).
fn ico(pngs: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let count = u16::try_from(pngs.len()).expect("few images");
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    let mut offset = 6 + 16 * pngs.len();
    for (size, png) in pngs {
        // 256 is written as 0.
        let side = u8::try_from(*size % 256).expect("size at most 256");
        out.extend_from_slice(&[side, side, 0, 0]);
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
        out.extend_from_slice(&u32::try_from(png.len()).expect("small").to_le_bytes());
        out.extend_from_slice(&u32::try_from(offset).expect("small").to_le_bytes());
        offset += png.len();
    }
    for (_, png) in pngs {
        out.extend_from_slice(png);
    }
    out
}

/// The (size, PNG bytes) images of an .ico file.
fn ico_images(bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!((u16_at(0), u16_at(2)), (0, 1), "an ICONDIR header");
    (0..usize::from(u16_at(4)))
        .map(|k| {
            let e = 6 + 16 * k;
            let size = if bytes[e] == 0 {
                256
            } else {
                u32::from(bytes[e])
            };
            let (len, at) = (u32_at(e + 8) as usize, u32_at(e + 12) as usize);
            (size, bytes[at..at + len].to_vec())
        })
        .collect()
}

/// Whether two PNGs show the same picture: same size, every channel within 2 of the other
/// (rasterizers may round differently on another CPU).
fn same_picture(a: &[u8], b: &[u8]) -> Result<(), String> {
    let a = image::load_from_memory(a)
        .map_err(|e| e.to_string())?
        .to_rgba8();
    let b = image::load_from_memory(b)
        .map_err(|e| e.to_string())?
        .to_rgba8();
    if a.dimensions() != b.dimensions() {
        return Err(format!("{:?} ≠ {:?}", a.dimensions(), b.dimensions()));
    }
    let worst = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0);
    if worst > 2 {
        return Err(format!("pixels differ by up to {worst}"));
    }
    Ok(())
}

#[test]
fn icons_are_the_svg_design_rasterized_at_every_size() {
    let write = std::env::var_os("MARGINALIA_WRITE_ICONS").is_some();
    for size in PNG_SIZES {
        let fresh = render(size);
        let path = png_path(size);
        if write {
            std::fs::write(&path, &fresh).expect("write icon");
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (write the icons: MARGINALIA_WRITE_ICONS=1 cargo test --test packaging)",
                path.display()
            )
        });
        if let Err(why) = same_picture(&committed, &fresh) {
            panic!(
                "{} is not assets/icons/marginalia.svg at {size}px: {why} (write the icons again: MARGINALIA_WRITE_ICONS=1 cargo test --test packaging)",
                path.display()
            );
        }
    }
}

#[test]
fn windows_icon_holds_the_design_at_its_sizes() {
    let path = icons_dir().join("marginalia.ico");
    let fresh: Vec<(u32, Vec<u8>)> = ICO_SIZES.iter().map(|&s| (s, render(s))).collect();
    if std::env::var_os("MARGINALIA_WRITE_ICONS").is_some() {
        std::fs::write(&path, ico(&fresh)).expect("write icon");
    }
    let committed = std::fs::read(&path).expect("assets/icons/marginalia.ico");
    let images = ico_images(&committed);
    let sizes: Vec<u32> = images.iter().map(|(s, _)| *s).collect();
    assert_eq!(sizes, ICO_SIZES);
    for ((size, png), (_, want)) in images.iter().zip(&fresh) {
        if let Err(why) = same_picture(png, want) {
            panic!("marginalia.ico at {size}px: {why}");
        }
    }
}

#[test]
fn icon_is_not_blank_at_the_smallest_size() {
    // At 16 px the page, the mark and the tile must still be told apart: many colours,
    // opaque inside, transparent in the corners (the tile's rounded edge).
    let png = image::load_from_memory(&render(16))
        .expect("png")
        .to_rgba8();
    let colours: std::collections::BTreeSet<[u8; 4]> = png.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 40, "{} colours", colours.len());
    assert_eq!(png.get_pixel(0, 0).0[3], 0, "corner is transparent");
    assert_eq!(png.get_pixel(8, 8).0[3], 255, "middle is opaque");
}

/// `key=value` lines of the `[Desktop Entry]` group.
fn desktop_entry() -> Vec<(String, String)> {
    let text = read("packaging/linux/marginalia.desktop");
    assert!(text.starts_with("[Desktop Entry]\n"), "one group, first");
    assert!(
        !text.contains("{{"),
        "a static file, not a template with placeholders"
    );
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not key=value: {l}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn desktop_entry_opens_one_project_file_from_the_file_manager() {
    let entry = desktop_entry();
    let get = |key: &str| {
        entry
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("marginalia.desktop has no {key}"))
    };
    // The command line takes one project (src/main.rs): %f hands over one local path.
    assert_eq!(get("Exec"), "marginalia %f");
    assert_eq!(get("Icon"), "marginalia");
    assert_eq!(get("MimeType"), format!("{MIME_TYPE};"));
    let categories: Vec<&str> = get("Categories").split(';').collect();
    assert!(categories.contains(&"Office") && categories.contains(&"Education"));
    // eframe names the window after its app name (app::run): X11's WM_CLASS and Wayland's
    // app_id, which the desktop matches to this entry.
    assert_eq!(get("StartupWMClass"), "Marginalia");
    let keys: Vec<&str> = entry.iter().map(|(k, _)| k.as_str()).collect();
    let mut unique = keys.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "a key twice: {keys:?}");
}

#[test]
fn mime_type_matches_the_files_the_store_writes() {
    let xml = read("packaging/linux/marginalia-mime.xml");
    let glob = format!("pattern=\"*{}\"", marginalia::store::PROJECT_SUFFIX);
    assert!(xml.contains(&glob), "the glob names {glob}");
    assert!(xml.contains(&format!("type=\"{MIME_TYPE}\"")));
}

#[test]
fn appstream_metadata_names_this_version_and_the_desktop_entry() {
    let xml = read(&format!("packaging/linux/{APP_ID}.metainfo.xml"));
    assert!(xml.contains(&format!("<id>{APP_ID}</id>")));
    assert!(xml.contains("<launchable type=\"desktop-id\">marginalia.desktop</launchable>"));
    assert!(xml.contains(&format!("<mediatype>{MIME_TYPE}</mediatype>")));
    let newest = xml
        .split("<release ")
        .nth(1)
        .expect("at least one <release>");
    assert!(
        newest.starts_with(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))),
        "the newest <release> must be this version ({}): add one when the version changes",
        env!("CARGO_PKG_VERSION")
    );
}

/// The `[package.metadata.packager]` table and everything below it.
fn packager_config() -> String {
    let cargo = read("Cargo.toml");
    let at = cargo
        .find("[package.metadata.packager]")
        .expect("Cargo.toml has [package.metadata.packager]");
    cargo[at..].to_owned()
}

/// The quoted strings of the config that name files in the repository.
fn quoted_paths(config: &str) -> Vec<String> {
    config
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("assets/") || s.starts_with("packaging/"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn packager_config_names_files_that_exist_and_every_icon_size() {
    let config = packager_config();
    assert!(config.contains(&format!("identifier = \"{APP_ID}\"")));
    let paths = quoted_paths(&config);
    for p in &paths {
        assert!(
            root().join(p).is_file(),
            "Cargo.toml packager config names {p}: missing"
        );
    }
    for size in PNG_SIZES {
        let rel = format!("assets/icons/marginalia-{size}.png");
        assert!(paths.contains(&rel), "icons must list {rel}");
    }
    for shipped in [
        "packaging/linux/marginalia.desktop",
        "packaging/linux/marginalia-mime.xml",
        "assets/icons/marginalia.svg",
        "assets/icons/marginalia.ico",
        "packaging/linux/copyright",
    ] {
        assert!(
            paths.iter().any(|p| p == shipped),
            "the packager config must ship {shipped}"
        );
    }
    assert!(
        paths.contains(&format!("packaging/linux/{APP_ID}.metainfo.xml")),
        "the packager config must ship the metainfo"
    );
}

#[test]
fn icon_files_beside_the_design_are_all_accounted_for() {
    // No stale size left behind after a change of PNG_SIZES.
    let mut names: Vec<String> = std::fs::read_dir(icons_dir())
        .expect("assets/icons")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = PNG_SIZES
        .iter()
        .map(|s| format!("marginalia-{s}.png"))
        .chain(["marginalia.svg".to_owned(), "marginalia.ico".to_owned()])
        .collect();
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn the_copyright_file_names_the_licenses_cargo_declares() {
    // Debian policy: every package carries /usr/share/doc/<package>/copyright.
    let copyright = read("packaging/linux/copyright");
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("license = \"MIT OR Apache-2.0\""));
    assert!(
        copyright.starts_with(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
        )
    );
    assert!(copyright.contains("License: MIT or Apache-2.0"));
    for text in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(!read(text).trim().is_empty(), "{text} is the license text");
    }
    assert!(read("LICENSE-APACHE").contains("Apache License"));
}
