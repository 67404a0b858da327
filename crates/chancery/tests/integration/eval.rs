//! `chancery eval` refuses bad arguments with a clear message.

use crate::run;

#[test]
fn unknown_set_names_the_choices() {
    let out = run(["eval", "extraction", "--set", "nope"]);
    assert_ne!(out.code(), 0);
    assert_eq!(out.stdout, "");
    let stderr = out.stderr.trim();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("nope"), "{stderr}");
    assert!(
        stderr.contains("scrapinghub") && stderr.contains("wcxb"),
        "the choices are named: {stderr}"
    );
}

#[test]
fn missing_bench_folder_is_named() {
    let out = run([
        "eval",
        "extraction",
        "--set",
        "scrapinghub",
        "--bench",
        "/nonexistent",
    ]);
    assert_ne!(out.code(), 0);
    assert_eq!(out.stdout, "");
    let stderr = out.stderr.trim();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent"), "{stderr}");
}
