//! A small PDF writer for tests and benches: text pages in the standard Helvetica font
//! (WinAnsi), page labels, image-only (scanned) pages, and a file that claims encryption.
//! Output is a valid PDF 1.4 with a cross-reference table.

/// A page to write.
pub enum Page {
    /// Lines of text (Latin-1), 12 pt, from the top of an A4 page.
    Text(Vec<String>),
    /// A grey `width` × `height` picture covering the A4 page.
    Scan { width: u32, height: u32 },
}

/// Options of the whole file.
#[derive(Default)]
pub struct Options {
    /// `/PageLabels`: (first page index, style `D`/`r`/`R`/`a`/`A`, prefix, start).
    pub labels: Vec<(usize, &'static str, &'static str, u32)>,
    /// Add an `/Encrypt` dictionary to the trailer (standard handler, no valid keys).
    pub encrypted: bool,
}

fn escape(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                out.push(c as u8);
            }
            c if (c as u32) < 256 => out.push(c as u32 as u8),
            _ => out.push(b'?'),
        }
    }
    out
}

/// The bytes of a PDF with `pages`.
pub fn pdf(pages: &[Page], opts: &Options) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1: catalog, 2: pages, 3: font; then per page: page, contents (and image).
    let mut kids = Vec::new();
    let mut next = 4;
    let mut page_objs: Vec<Vec<u8>> = Vec::new();
    for p in pages {
        let page_id = next;
        let content_id = next + 1;
        next += 2;
        let (content, image) = match p {
            Page::Text(lines) => {
                let mut c = b"BT /F1 12 Tf 14 TL 72 770 Td\n".to_vec();
                for l in lines {
                    c.push(b'(');
                    c.extend(escape(l));
                    c.extend_from_slice(b") Tj T*\n");
                }
                c.extend_from_slice(b"ET\n");
                (c, None)
            }
            Page::Scan { width, height } => {
                let img_id = next;
                next += 1;
                let pixels: Vec<u8> = (0..width * height)
                    .map(|i| (((i % width) * 7 + (i / width) * 3) % 200 + 40) as u8)
                    .collect();
                let mut img = format!(
                    "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n",
                    pixels.len()
                )
                .into_bytes();
                img.extend(pixels);
                img.extend_from_slice(b"\nendstream");
                (
                    b"q 595 0 0 842 0 0 cm /Im1 Do Q\n".to_vec(),
                    Some((img_id, img)),
                )
            }
        };
        let resources = match &image {
            Some((id, _)) => format!("<< /XObject << /Im1 {id} 0 R >> >>"),
            None => "<< /Font << /F1 3 0 R >> >>".to_owned(),
        };
        page_objs.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let mut cs = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        cs.extend(content);
        cs.extend_from_slice(b"\nendstream");
        page_objs.push(cs);
        if let Some((_, img)) = image {
            page_objs.push(img);
        }
        kids.push(format!("{page_id} 0 R"));
    }
    let labels = if opts.labels.is_empty() {
        String::new()
    } else {
        let nums: Vec<String> = opts
            .labels
            .iter()
            .map(|(i, s, p, st)| format!("{i} << /S /{s} /P ({p}) /St {st} >>"))
            .collect();
        format!(" /PageLabels << /Nums [{}] >>", nums.join(" "))
    };
    objects.push(format!("<< /Type /Catalog /Pages 2 0 R{labels} >>").into_bytes());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.extend(page_objs);
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let mut size = objects.len() + 1;
    let mut encrypt = String::new();
    if opts.encrypted {
        offsets.push(out.len());
        out.extend(
            format!(
                "{size} 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <{}> /U <{}> /P -4 >>\nendobj\n",
                "ab".repeat(32),
                "cd".repeat(32)
            )
            .into_bytes(),
        );
        encrypt = format!(
            " /Encrypt {size} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]"
        );
        size += 1;
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {size}\n0000000000 65535 f \n").into_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {size} /Root 1 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n")
            .into_bytes(),
    );
    out
}

/// `n` pages of `lines` lines of running text each, numbered.
pub fn book(n: usize, lines: usize) -> Vec<Page> {
    (0..n)
        .map(|p| {
            Page::Text(
                (0..lines)
                    .map(|l| {
                        format!(
                            "Page {} line {}: the delegation met at Kaesong (Kaes\u{f6}ng) on the {}th.",
                            p + 1,
                            l + 1,
                            l + 1
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}
