//! `chancery analyze` on input that is not a readable article: each a clear
//! one-line error naming the file, or a best-effort article, never a panic.

use std::io::Write;
use std::path::Path;

use crate::{run, Output, TempDir};

/// Runs `analyze` on one file, expects it refused with one stderr line that
/// names the file and contains `problem`.
fn assert_refused(path: &Path, extra_args: &[&str], problem: &str) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["analyze".as_ref()];
    args.extend(extra_args.iter().map(std::ffi::OsStr::new));
    args.push(path.as_os_str());
    let out = run(args);
    assert_eq!(out.code(), 1, "{}: {}", path.display(), out.stderr);
    assert_eq!(out.stdout, "", "nothing on stdout");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {lines:#?}");
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        lines[0].contains(name),
        "the error names the file: {}",
        lines[0]
    );
    assert!(
        lines[0].contains(problem),
        "the error says {problem:?}: {}",
        lines[0]
    );
    out
}

/// Runs `analyze` on one file and expects one article.
fn analyze_one(path: &Path) -> serde_json::Value {
    let out = run(["analyze".as_ref(), path.as_os_str()]);
    assert_eq!(out.code(), 0, "{}: {}", path.display(), out.stderr);
    out.one_object()
}

#[test]
fn empty_file() {
    let dir = TempDir::new("empty");
    assert_refused(&dir.write("empty.txt", ""), &[], "empty input");
}

#[test]
fn whitespace_only_file() {
    let dir = TempDir::new("blank");
    assert_refused(
        &dir.write("blank.txt", " \n\t\r\n   \n"),
        &[],
        "empty input",
    );
}

#[test]
fn pdf_bytes() {
    let dir = TempDir::new("pdf");
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
    assert_refused(&dir.write("report.pdf", pdf), &[], "PDF");
}

#[test]
fn png_bytes() {
    let dir = TempDir::new("png");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    assert_refused(&dir.write("photo.png", png), &[], "PNG");
}

#[test]
fn zip_bytes() {
    let dir = TempDir::new("zip");
    let zip = b"PK\x03\x04\x14\0\0\0\x08\0\0\0!\0article.txt\0\0\0\0";
    assert_refused(&dir.write("archive.zip", zip), &[], "ZIP");
}

#[test]
fn truncated_gzip() {
    let dir = TempDir::new("gzip");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..400 {
        writeln!(
            encoder,
            "Line {i}: ministers met in Geneva to discuss the ceasefire."
        )
        .unwrap();
    }
    let gz = encoder.finish().unwrap();
    let path = dir.write("page.html.gz", &gz[..gz.len() / 2]);
    assert_refused(&path, &[], "gzip");
}

#[test]
fn file_over_max_bytes() {
    let dir = TempDir::new("too-large");
    let text = "Ministers met in Geneva on Monday. ".repeat(100);
    let path = dir.write("large.txt", text);
    let out = assert_refused(&path, &["--max-bytes", "1000"], "--max-bytes");
    assert!(
        out.stderr.contains("1000"),
        "the cap is named: {}",
        out.stderr
    );
    // A gzip that unpacks past the cap is refused the same way.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![b'a'; 50_000]).unwrap();
    let gz = dir.write("bomb.txt.gz", encoder.finish().unwrap());
    assert_refused(&gz, &["--max-bytes", "1000"], "--max-bytes");
}

#[test]
fn html_with_no_body() {
    let dir = TempDir::new("no-body");
    let path = dir.write(
        "head-only.html",
        "<html><head><title>x</title></head></html>",
    );
    let out = run(["analyze".as_ref(), path.as_os_str()]);
    match out.code() {
        // A best-effort article: the title, and no body.
        0 => {
            let object = out.one_object();
            assert_eq!(object["title"], "x");
            assert_eq!(object["text"], "");
            assert_eq!(object["paragraphs"], serde_json::json!([]));
        }
        1 => {
            let lines: Vec<&str> = out.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{lines:#?}");
            assert!(lines[0].contains("head-only.html"), "{}", lines[0]);
        }
        code => panic!("exit code {code}: {}", out.stderr),
    }
}

#[test]
fn deeply_nested_divs() {
    let dir = TempDir::new("nested");
    let depth = 20_000;
    let mut page = String::from("<html><head><title>Deep</title></head><body>");
    page.push_str(&"<div>".repeat(depth));
    page.push_str(
        "<p>At the bottom of twenty thousand boxes, the harbour authority announced a \
         new ferry timetable for the summer season, with extra sailings at weekends.</p>",
    );
    page.push_str(&"</div>".repeat(depth));
    page.push_str("</body></html>");
    let path = dir.write("deep.html", page);
    let object = analyze_one(&path);
    assert_eq!(object["title"], "Deep");
    assert!(object["text"]
        .as_str()
        .unwrap()
        .starts_with("At the bottom of twenty thousand boxes"));
}

#[test]
fn five_megabyte_html_page() {
    let dir = TempDir::new("large-page");
    let mut page = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><title>A very long report</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>A very long report</h1>",
    );
    let mut i = 0;
    while page.len() < 5 * 1024 * 1024 {
        page.push_str(&format!(
            "<p>Paragraph {i}: the committee heard from harbour pilots, dock workers, ferry \
             operators and residents, who described in detail how the new timetable, the \
             dredging works and the closure of the eastern quay had changed their working \
             days over the past year.</p>\n"
        ));
        i += 1;
    }
    page.push_str("</article><footer>Copyright Example Harbour News</footer></body></html>");
    let path = dir.write("huge.html", &page);
    let started = std::time::Instant::now();
    let object = analyze_one(&path);
    eprintln!("5 MB page: {:?}", started.elapsed());
    let text = object["text"].as_str().unwrap();
    assert!(text.starts_with("Paragraph 0:"), "{:.100}", text);
    assert!(
        text.contains(&format!("Paragraph {}:", i - 1)),
        "the last paragraph is kept"
    );
    assert!(!text.contains("Copyright Example Harbour News"));
}

#[test]
fn windows_1252_text_without_declaration() {
    let dir = TempDir::new("cp1252");
    let text = "Le ministre a déclaré mercredi que la réunion de Genève était « très \
                importante » pour l’été, et qu’il espérait un accord d’ici à la rentrée.\n\n\
                Les négociateurs se retrouveront à Genève la semaine prochaine, a précisé le \
                porte-parole du ministère, sans donner de détails sur l’ordre du jour.\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the input is not UTF-8"
    );
    let object = analyze_one(&dir.write("cp1252.txt", &bytes));
    assert_eq!(object["encoding"], "windows-1252");
    assert_eq!(object["flags"]["encoding_guessed"], true);
    let all = format!(
        "{} {}",
        object["title"].as_str().unwrap_or(""),
        object["text"].as_str().unwrap()
    );
    assert!(
        all.contains("la réunion de Genève était « très importante » pour l’été"),
        "{all}"
    );
    assert!(!all.contains('\u{fffd}'));
}

#[test]
fn shift_jis_text_without_declaration() {
    let dir = TempDir::new("sjis");
    let text = "東京都は十日、来年度の予算案を発表した。教育と防災に重点を置き、\
                総額は前年度より三パーセント増える見通しだ。\n\n\
                知事は記者会見で「子どもたちの安全を第一に考えた」と述べた。\
                予算案は来月の議会で審議される。\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the input is not UTF-8"
    );
    let object = analyze_one(&dir.write("sjis.txt", &bytes));
    assert_eq!(object["encoding"], "Shift_JIS");
    assert_eq!(object["flags"]["encoding_guessed"], true);
    let all = format!(
        "{} {}",
        object["title"].as_str().unwrap_or(""),
        object["text"].as_str().unwrap()
    );
    assert!(all.contains("子どもたちの安全を第一に考えた"), "{all}");
    assert!(!all.contains('\u{fffd}'));
}

#[test]
fn invalid_utf8_bytes_in_utf8_text() {
    let dir = TempDir::new("bad-utf8");
    let mut bytes = "Déclaration commune à Zürich sur l’énergie\n\n\
                     Les ministres de l’Énergie de cinq pays européens ont signé mercredi à \
                     Zürich une déclaration commune sur la sécurité de l’approvisionnement, \
                     après deux jours de négociations.\n\n\
                     Le texte prévoit des achats groupés de gaz, la création d’un fonds \
                     d’urgence et un calendrier précis pour la rénovation des réseaux électriques."
        .as_bytes()
        .to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(
        " Il entrera en vigueur l’année prochaine après sa ratification par les parlements.\n"
            .as_bytes(),
    );
    let object = analyze_one(&dir.write("broken.txt", &bytes));
    assert_eq!(object["encoding"], "UTF-8");
    assert_eq!(object["flags"]["replaced_invalid_bytes"], true);
    let text = object["text"].as_str().unwrap();
    assert!(text.contains("électriques.\u{fffd} Il entrera"), "{text}");
    assert!(text.contains("la sécurité de l’approvisionnement"));
}

/// Two stray bytes in a short UTF-8 text tip the "mostly UTF-8" rule (one
/// invalid sequence per 20 valid non-ASCII bytes), and the whole text is
/// decoded as windows-1252: "DÃ©claration commune Ã ZÃ¼rich…".
#[test]
fn short_utf8_text_with_stray_bytes_is_not_mojibake() {
    let dir = TempDir::new("bad-utf8-short");
    let mut bytes = "Déclaration commune à Zürich\n\n".as_bytes().to_vec();
    bytes.extend_from_slice(
        "Les ministres ont signé à Zürich une déclaration commune sur l’énergie, ".as_bytes(),
    );
    bytes.extend_from_slice(b"\xff\xfe");
    bytes.extend_from_slice(
        " qui entrera en vigueur l’année prochaine après sa ratification.\n".as_bytes(),
    );
    let object = analyze_one(&dir.write("broken.txt", &bytes));
    assert_eq!(object["encoding"], "UTF-8");
    assert_eq!(object["flags"]["replaced_invalid_bytes"], true);
    assert_eq!(object["title"], "Déclaration commune à Zürich");
}

#[test]
fn missing_file_is_named() {
    let dir = TempDir::new("missing");
    let path = dir.path().join("no-such-file.txt");
    assert_refused(&path, &[], "cannot open file");
}
