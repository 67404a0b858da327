//! The demo in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`). Ignored (and reported so)
//! unless asked for with `--include-ignored`; `.ci/run` installs them and
//! asks, so there it runs and fails when the browser is missing.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::{get_json, server};

struct Driver {
    process: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Driver {
    fn start() -> Driver {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {binary}: {e}; install Debian's chromium and chromium-driver")
            });
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(60)))
                .build(),
        );
        let started = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1600"]
            }
        }}});
        let mut driver = Driver {
            process,
            base,
            session: String::new(),
            agent,
        };
        let response = driver.call("POST", "/session", Some(capabilities));
        driver.session = response["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = match method {
            "POST" => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or(json!({})))
                .unwrap(),
            "DELETE" => self.agent.delete(&url).call().unwrap(),
            _ => self.agent.get(&url).call().unwrap(),
        };
        let value: Value = response.body_mut().read_json().unwrap();
        assert!(
            value["value"]["error"].is_null(),
            "{method} {path}: {value}"
        );
        value["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({"url": url})),
        );
    }

    fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            None,
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[test]
#[ignore = "needs Chromium and chromedriver; run with -- --include-ignored, as .ci/run does"]
fn the_demo_renders_in_chromium() {
    let server = server();
    let base = format!("http://{}", server.addr());
    let driver = Driver::start();

    driver.open(&format!("{base}/"));
    let home = driver.run(
        "return {title: document.title, js: document.body.dataset.js || '', \
         bars: document.querySelectorAll('svg.mix rect.bar').length, \
         articles: document.querySelectorAll('ol.articles li').length, \
         countries: document.querySelectorAll('svg.world-map path').length, \
         shaded: document.querySelectorAll('svg.world-map a path').length};",
    );
    assert!(
        home["title"].as_str().unwrap().contains("Overview"),
        "{home}"
    );
    assert_eq!(home["js"], "on", "the script ran under the CSP: {home}");
    assert!(home["bars"].as_u64().unwrap() > 0, "{home}");
    assert!(home["articles"].as_u64().unwrap() > 0, "{home}");
    assert!(
        home["countries"].as_u64().unwrap() > 150,
        "the world map: {home}"
    );
    assert!(
        home["shaded"].as_u64().unwrap() > 0,
        "countries with events: {home}"
    );
    driver.screenshot("home");

    // The article with the most quotes.
    let (_, articles) = get_json(&server, "/api/articles?limit=500");
    let article = articles["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|a| a["quotes"].as_u64())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    driver.open(&format!("{base}/article/{article}"));
    let highlights = driver.run(
        "const ents = document.querySelectorAll('.body a.ent'); \
         const quotes = document.querySelectorAll('.body .quote'); \
         const first = ents[0]; \
         const background = first ? getComputedStyle(first).backgroundColor : ''; \
         const key = first ? first.dataset.e : ''; \
         if (first) first.dispatchEvent(new MouseEvent('mouseenter')); \
         const hot = document.querySelectorAll('.body .ent.hot').length; \
         const same = document.querySelectorAll('.body a.ent[data-e=\"' + CSS.escape(key) + '\"]').length; \
         return {entities: ents.length, quotes: quotes.length, background: background, hot: hot, same: same, \
                 height: first ? first.getBoundingClientRect().height : 0};",
    );
    assert!(highlights["entities"].as_u64().unwrap() > 3, "{highlights}");
    assert!(highlights["quotes"].as_u64().unwrap() > 0, "{highlights}");
    assert_ne!(
        highlights["background"], "rgba(0, 0, 0, 0)",
        "styled: {highlights}"
    );
    assert!(highlights["height"].as_f64().unwrap() > 0.0, "{highlights}");
    assert_eq!(
        highlights["hot"], highlights["same"],
        "hover lights every mention: {highlights}"
    );
    driver.screenshot("article");

    driver.open(&format!("{base}/dyad/POL/BLR"));
    let chart = driver.run(
        "const svg = document.querySelector('svg.timeline'); \
         const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0}; \
         const bars = document.querySelectorAll('svg.timeline rect.bar'); \
         const tallest = Math.max(0, ...Array.from(bars).map(b => b.getBoundingClientRect().height)); \
         return {width: box.width, height: box.height, bars: bars.length, tallest: tallest, \
                 trend: document.querySelectorAll('svg.timeline polyline.goldstein').length, \
                 rows: document.querySelectorAll('table.events tbody tr').length};",
    );
    assert!(chart["width"].as_f64().unwrap() > 400.0, "{chart}");
    assert!(chart["bars"].as_u64().unwrap() > 0, "{chart}");
    assert!(chart["tallest"].as_f64().unwrap() > 10.0, "{chart}");
    assert_eq!(chart["trend"], 1, "{chart}");
    assert!(chart["rows"].as_u64().unwrap() > 0, "{chart}");
    driver.screenshot("dyad");

    // A story with an event dated far from the rest ("last year"): the
    // chart spans where its events are, and marks and names the outlier.
    let story = (0..6)
        .map(|id| get_json(&server, &format!("/api/stories/{id}")).1)
        .find(|story| !story["outliers"].as_array().unwrap().is_empty())
        .expect("a demo story has an event dated far from the rest");
    let outlier = story["outliers"][0]["date"].as_str().unwrap().to_string();
    let first = story["series"][0]["start"].as_str().unwrap();
    let last = story["series"].as_array().unwrap().last().unwrap()["start"]
        .as_str()
        .unwrap();
    assert!(
        outlier.as_str() < first || outlier.as_str() > last,
        "{outlier} is off the chart's span {first}..{last}"
    );
    assert_eq!(story["series"][0]["period"], "day", "weeks charted by day");
    driver.open(&format!("{base}/story/{}", story["id"]));
    let chart = driver.run(
        "const note = document.querySelector('p.outliers'); \
         return {marks: document.querySelectorAll('svg.timeline g.outlier').length, \
                 bars: document.querySelectorAll('svg.timeline rect.bar').length, \
                 note: note ? note.textContent : '', \
                 shown: note ? note.getBoundingClientRect().height : 0};",
    );
    assert!(chart["marks"].as_u64().unwrap() >= 1, "{chart}");
    assert!(chart["bars"].as_u64().unwrap() > 3, "{chart}");
    assert!(
        chart["note"].as_str().unwrap().contains(&outlier),
        "{chart}"
    );
    assert!(chart["shown"].as_f64().unwrap() > 0.0, "{chart}");
    driver.screenshot("story-outlier");
    // The page tells the story: its events in time order, its actors and
    // places, its first and latest reports, and what changed between them,
    // one link per change to the article that says it, as the API lists.
    let shown = driver.run(
        "const rows = Array.from(document.querySelectorAll('#timeline tbody tr')) \
             .map(r => r.querySelector('time').textContent); \
         return {rows: rows, \
                 actors: document.querySelectorAll('#actors li').length, \
                 places: document.querySelectorAll('#places li').length, \
                 reports: Array.from(document.querySelectorAll('#reports a')).map(a => a.getAttribute('href')), \
                 evidence: Array.from(document.querySelectorAll('#changes a.evidence')).map(a => a.getAttribute('href'))};",
    );
    let rows: Vec<&str> = shown["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        rows.len(),
        story["story_events"].as_array().unwrap().len(),
        "{shown}"
    );
    let dated: Vec<&str> = rows.iter().copied().filter(|d| *d != "undated").collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "{shown}");
    assert_eq!(
        shown["actors"].as_u64().unwrap() as usize,
        story["actors"].as_array().unwrap().len(),
        "{shown}"
    );
    assert!(shown["places"].as_u64().unwrap() > 0, "{shown}");
    let changes = &story["changes"];
    assert_eq!(
        shown["reports"][0],
        format!("/article/{}", changes["first"][0]["article"]),
        "{shown}"
    );
    let mut listed = Vec::new();
    for side in ["appeared", "disappeared"] {
        for kind in ["actors", "places", "events", "numbers", "quotes"] {
            for change in changes[side][kind].as_array().unwrap() {
                listed.push(json!(format!("/article/{}", change["evidence"]["article"])));
            }
        }
    }
    assert_eq!(shown["evidence"], json!(listed), "{shown}");

    // Filter fields show their whole placeholder, and no panel is only a
    // heading: an empty one says so. The article with the fewest quotes,
    // an entity and a story besides the list pages.
    let article = articles["items"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|a| a["quotes"].as_u64())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let pages = [
        "/".to_string(),
        "/articles".into(),
        "/entities".into(),
        "/events".into(),
        "/search?q=water".into(),
        format!("/article/{article}"),
        "/entity/Tomasz%20Wierzbicki".into(),
        format!("/story/{}", story["id"]),
    ];
    for page in &pages {
        driver.open(&format!("{base}{page}"));
        let found = driver.run(
            "const ctx = document.createElement('canvas').getContext('2d'); \
             const cut = Array.from(document.querySelectorAll('input[placeholder]')).filter(i => { \
                 const s = getComputedStyle(i); ctx.font = s.font; \
                 const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); \
                 return ctx.measureText(i.placeholder).width > room + 0.5; }).map(i => i.placeholder); \
             const empty = Array.from(document.querySelectorAll('section.card')).filter(c => { \
                 const h = c.querySelector('h2'); \
                 return c.innerText.trim() === (h ? h.innerText.trim() : ''); }) \
                 .map(c => c.querySelector('h2') ? c.querySelector('h2').innerText : c.className); \
             return {cut: cut, empty: empty, inputs: document.querySelectorAll('input[placeholder]').length};",
        );
        assert!(found["inputs"].as_u64().unwrap() > 0, "{page}: {found}");
        assert_eq!(
            found["cut"],
            json!([]),
            "{page}: placeholders cut off: {found}"
        );
        assert_eq!(found["empty"], json!([]), "{page}: empty panels: {found}");
    }

    // The events page's location filters, sent as a person sends them: a
    // box typed wrong is shown on the page beside the form that still
    // holds it; corrected, with "located only" ticked, the list comes back
    // and the form shows what it was filtered by.
    let submit_events_form = |bbox: &str, located: bool| {
        driver.open(&format!("{base}/events"));
        driver.run(&format!(
            "const f = document.querySelector('form.filters'); \
             f.querySelector('input[name=bbox]').value = {bbox:?}; \
             f.querySelector('input[name=located]').checked = {located}; \
             f.querySelector('button').click(); return true;"
        ));
        let mut state = Value::Null;
        for _ in 0..100 {
            state = driver.run(
                "return {search: location.search, \
                 message: (document.querySelector('section.card.error p') || {}).textContent || '', \
                 bbox: (document.querySelector('input[name=bbox]') || {}).value || '', \
                 located: !!(document.querySelector('input[name=located]') || {}).checked};",
            );
            if state["search"]
                .as_str()
                .is_some_and(|s| s.contains("bbox="))
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        state
    };
    let refused = submit_events_form("10,40,20,30", false);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("south 40 is north of north 30"),
        "{refused}"
    );
    assert_eq!(refused["bbox"], "10,40,20,30", "{refused}");
    let fine = submit_events_form("-180,-90,180,90", true);
    assert_eq!(fine["message"], "", "{fine}");
    assert!(
        fine["search"].as_str().unwrap().contains("located=true"),
        "{fine}"
    );
    assert_eq!(
        (&fine["bbox"], &fine["located"]),
        (&json!("-180,-90,180,90"), &json!(true)),
        "{fine}"
    );

    // A phone: 400 px wide. Every navigation link is in view and nothing
    // widens the page past the screen.
    driver.call(
        "POST",
        &format!("/session/{}/window/rect", driver.session),
        Some(json!({"width": 400, "height": 900})),
    );
    for page in ["/", "/events", &format!("/story/{}", story["id"])] {
        driver.open(&format!("{base}{page}"));
        let narrow = driver.run(
            "const links = Array.from(document.querySelectorAll('header.top nav a')); \
             const width = document.documentElement.clientWidth; \
             return {width: width, inner: window.innerWidth, \
                     scroll: document.documentElement.scrollWidth, links: links.length, \
                     clipped: links.filter(a => { const r = a.getBoundingClientRect(); \
                         return r.width === 0 || r.left < 0 || r.right > width; }).map(a => a.textContent)};",
        );
        assert!(
            narrow["inner"].as_f64().unwrap() <= 400.0,
            "{page}: {narrow}"
        );
        assert_eq!(narrow["links"], 5, "{page}: {narrow}");
        assert_eq!(narrow["clipped"], json!([]), "{page}: {narrow}");
        assert!(
            narrow["scroll"].as_f64().unwrap() <= narrow["width"].as_f64().unwrap(),
            "{page} is wider than the screen: {narrow}"
        );
    }
    let shot = driver.screenshot("narrow");
    eprintln!("screenshots in {}", shot.parent().unwrap().display());
}
