//! Charts as inline SVG, drawn on the server: events over time by QuadClass
//! with the Goldstein trend, the event mix, the actor network.

use chancery_store::{EventPoint, EventTally, RootCount};
use maud::{html, Markup};
use serde::Serialize;

use crate::api::Network;
use crate::render::{cameo_name, country_label, encode, plural};

/// Colours of QuadClass 1 to 4: verbal and material cooperation, verbal
/// and material conflict.
pub(crate) const QUAD_COLORS: [&str; 4] = ["#5aa469", "#2f7f9e", "#e3a33b", "#c4453c"];
/// Names of QuadClass 1 to 4.
pub(crate) const QUAD_NAMES: [&str; 4] = [
    "verbal cooperation",
    "material cooperation",
    "verbal conflict",
    "material conflict",
];

/// Events of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SeriesBucket {
    /// First day of the period (ISO 8601).
    pub start: String,
    /// `day`, `week` (from Monday), `month` or `year`.
    pub period: &'static str,
    /// Events by QuadClass 1 to 4.
    pub counts: [u64; 4],
    /// Mean Goldstein value, when there were events.
    pub goldstein: Option<f64>,
}

/// Days since 1970-01-01 of a date written `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD…`; `None` when it is not one.
pub(crate) fn day_number(date: &str) -> Option<i64> {
    let bytes = date.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = date.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = number(0..4)?;
    let month = if bytes.len() >= 7 { number(5..7)? } else { 1 };
    let day = if bytes.len() >= 10 { number(8..10)? } else { 1 };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The date of a day number.
pub(crate) fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// An event dated far from where the others are dense: left out of the
/// series so that it does not stretch the time axis, and shown apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Outlier {
    /// Its date (ISO 8601).
    pub date: String,
    /// QuadClass 1 to 4.
    pub quad_class: u8,
    /// Goldstein value.
    pub goldstein: f64,
}

/// The days, sorted, that a chart spans: from the first to the last day
/// within three interquartile ranges (at least two weeks each) of the
/// middle half of the events. A story of six weeks with one event dated a
/// year before ("last year") keeps its six weeks; a corpus of steady news
/// over years keeps all of them. Fewer than four events are all kept.
/// `days` are sorted days with their events (each at least one).
fn dense_span(days: &[(i64, u64)]) -> (i64, i64) {
    let (first, last) = (days[0].0, days[days.len() - 1].0);
    let events: u64 = days.iter().map(|(_, n)| n).sum();
    if events < 4 {
        return (first, last);
    }
    // The day of the event at `index` in the sorted events.
    let at = |index: u64| {
        let mut seen = 0;
        for &(day, n) in days {
            seen += n;
            if seen > index {
                return day;
            }
        }
        last
    };
    let quartile = |q: u64| at((events - 1) * q / 4);
    let (q1, q3) = (quartile(1), quartile(3));
    let reach = 3 * (q3 - q1).max(14);
    let lo = days
        .iter()
        .map(|(d, _)| *d)
        .find(|&d| d >= q1 - reach)
        .unwrap_or(first);
    let hi = days
        .iter()
        .rev()
        .map(|(d, _)| *d)
        .find(|&d| d <= q3 + reach)
        .unwrap_or(last);
    (lo, hi)
}

/// Counts events by QuadClass and averages Goldstein per day, week, month
/// or year, whichever keeps the chart under about sixty bars; periods
/// without events are kept so the time axis is even. Events dated outside
/// the span where events are dense ([`dense_span`]) are returned apart,
/// earliest first.
pub(crate) fn bucket_events(points: &[EventPoint]) -> (Vec<SeriesBucket>, Vec<Outlier>) {
    let tallies: Vec<EventTally> = points.iter().map(EventTally::from).collect();
    bucket_tallies(&tallies)
}

/// [`bucket_events`] of events counted by day, QuadClass and Goldstein
/// value (the keyed rollups), in the order given within a day.
pub(crate) fn bucket_tallies(tallies: &[EventTally]) -> (Vec<SeriesBucket>, Vec<Outlier>) {
    let mut dated: Vec<(i64, &EventTally)> = tallies
        .iter()
        .filter(|t| t.events > 0)
        .filter_map(|t| Some((day_number(t.date.as_deref()?)?, t)))
        .collect();
    if dated.is_empty() {
        return (Vec::new(), Vec::new());
    }
    dated.sort_by_key(|(day, _)| *day);
    let mut days: Vec<(i64, u64)> = Vec::new();
    for (day, tally) in &dated {
        match days.last_mut() {
            Some((last, n)) if last == day => *n += tally.events,
            _ => days.push((*day, tally.events)),
        }
    }
    let (lo_day, hi_day) = dense_span(&days);
    let outliers: Vec<Outlier> = dated
        .iter()
        .filter(|(d, _)| *d < lo_day || *d > hi_day)
        .flat_map(|(d, t)| {
            let (y, m, day) = civil(*d);
            let outlier = Outlier {
                date: format!("{y:04}-{m:02}-{day:02}"),
                quad_class: t.quad_class,
                goldstein: t.goldstein,
            };
            std::iter::repeat_n(outlier, t.events as usize)
        })
        .collect();
    dated.retain(|(d, _)| (lo_day..=hi_day).contains(d));
    (buckets_of(dated), outliers)
}

fn buckets_of(dated: Vec<(i64, &EventTally)>) -> Vec<SeriesBucket> {
    let (Some(first), Some(last)) = (
        dated.iter().map(|(d, _)| *d).min(),
        dated.iter().map(|(d, _)| *d).max(),
    ) else {
        return Vec::new();
    };
    let span = last - first;
    // Each granularity maps a day to a period index and a period index to
    // its first day.
    type Key = fn(i64) -> i64;
    let (period, key, start): (&'static str, Key, Key) = if span <= 60 {
        ("day", |d| d, |k| k)
    } else if span <= 420 {
        // 1970-01-01 was a Thursday: +3 makes weeks start on Monday.
        ("week", |d| (d + 3).div_euclid(7), |k| k * 7 - 3)
    } else if span <= 365 * 6 {
        ("month", month_index_of, |k| {
            day_number(&format!(
                "{:04}-{:02}-01",
                k.div_euclid(12),
                k.rem_euclid(12) + 1
            ))
            .unwrap_or(0)
        })
    } else {
        (
            "year",
            |d| civil(d).0,
            |k| day_number(&format!("{k:04}-01-01")).unwrap_or(0),
        )
    };
    let (lo, hi) = (key(first), key(last));
    let mut buckets: Vec<(SeriesBucket, f64, u64)> = (lo..=hi)
        .map(|k| {
            let (y, m, d) = civil(start(k));
            (
                SeriesBucket {
                    start: format!("{y:04}-{m:02}-{d:02}"),
                    period,
                    counts: [0; 4],
                    goldstein: None,
                },
                0.0,
                0,
            )
        })
        .collect();
    for (day, tally) in dated {
        let Some(bucket) = buckets.get_mut((key(day) - lo) as usize) else {
            continue;
        };
        if (1..=4).contains(&tally.quad_class) {
            bucket.0.counts[usize::from(tally.quad_class) - 1] += tally.events;
        }
        // The mean is rounded to two decimals: the order of the sum does
        // not show.
        bucket.1 += tally.goldstein * tally.events as f64;
        bucket.2 += tally.events;
    }
    buckets
        .into_iter()
        .map(|(mut bucket, sum, n)| {
            if n > 0 {
                bucket.goldstein = Some((sum / n as f64 * 100.0).round() / 100.0);
            }
            bucket
        })
        .collect()
}

fn month_index_of(day: i64) -> i64 {
    let (y, m, _) = civil(day);
    y * 12 + m - 1
}

/// A round step for an axis up to `max` with about four ticks.
fn nice_step(max: f64) -> f64 {
    let raw = (max / 4.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    step.max(1.0)
}

/// Stacked bars of events per period by QuadClass, with the mean Goldstein
/// value as a line on its own axis (−10 to +10).
pub(crate) fn timeline(buckets: &[SeriesBucket], outliers: &[Outlier]) -> Markup {
    const W: f64 = 880.0;
    const H: f64 = 280.0;
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 40.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 40.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = buckets
        .iter()
        .map(|b| b.counts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = nice_step(max);
    let top_value = (max / step).ceil() * step;
    let band = plot_w / buckets.len().max(1) as f64;
    let bar_w = (band * 0.8).max(1.0);
    let y_of = |v: f64| TOP + plot_h - v / top_value * plot_h;
    let gy = |g: f64| TOP + plot_h / 2.0 - g / 10.0 * (plot_h / 2.0);
    let label_every = (buckets.len() / 8).max(1);
    // The trend joins the periods that have events, across empty ones.
    let trend: Vec<(f64, f64)> = buckets
        .iter()
        .enumerate()
        .filter_map(|(i, bucket)| Some((LEFT + band * (i as f64 + 0.5), gy(bucket.goldstein?))))
        .collect();
    let ticks: Vec<f64> = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|v| *v <= top_value + 0.001)
        .collect();
    let first = buckets.first().map_or("", |b| b.start.as_str());
    let (before, after): (Vec<&Outlier>, Vec<&Outlier>) =
        outliers.iter().partition(|o| o.date.as_str() < first);
    html! {
        svg class="chart timeline" viewBox=(format!("0 0 {W} {H}")) role="img"
            aria-label="Events over time by QuadClass, with the mean Goldstein value" {
            @for tick in &ticks {
                line class="grid" x1=(LEFT) x2=(W - RIGHT) y1=(fmt(y_of(*tick))) y2=(fmt(y_of(*tick))) {}
                text class="axis" x=(LEFT - 6.0) y=(fmt(y_of(*tick) + 4.0)) text-anchor="end" { (tick) }
            }
            @for g in [-10.0, 0.0, 10.0] {
                text class="axis gold" x=(W - RIGHT + 6.0) y=(fmt(gy(g) + 4.0)) { (format!("{g:+}")) }
            }
            line class="zero" x1=(LEFT) x2=(W - RIGHT) y1=(fmt(gy(0.0))) y2=(fmt(gy(0.0))) {}
            @for (i, bucket) in buckets.iter().enumerate() {
                @let x = LEFT + band * i as f64 + (band - bar_w) / 2.0;
                @for (quad, base, count) in stack(&bucket.counts) {
                    rect class=(format!("bar q{}", quad + 1)) fill=(QUAD_COLORS[quad])
                        x=(fmt(x)) width=(fmt(bar_w))
                        y=(fmt(y_of(base + count))) height=(fmt(y_of(base) - y_of(base + count))) {
                        title { (bucket.period) " of " (bucket.start) ": " (count) " " (QUAD_NAMES[quad]) }
                    }
                }
                @if i % label_every == 0 {
                    text class="axis" x=(fmt(LEFT + band * (i as f64 + 0.5))) y=(H - BOTTOM + 16.0)
                        text-anchor="middle" { (short_date(&bucket.start, bucket.period)) }
                }
            }
            @if trend.len() > 1 {
                polyline class="goldstein" fill="none" stroke="#333" stroke-width="1.5" stroke-opacity="0.8"
                    points=(trend.iter().map(|(x, y)| format!("{},{}", fmt(*x), fmt(*y))).collect::<Vec<_>>().join(" ")) {}
            }
            @for (x, y) in &trend {
                circle class="goldstein-point" cx=(fmt(*x)) cy=(fmt(*y)) r="3" fill="#333" {}
            }
            // Events far outside the span: a mark at the edge they lie
            // beyond, not a stretched axis.
            @for (side, group) in [(LEFT - 2.0, &before), (W - RIGHT + 2.0, &after)] {
                @if !group.is_empty() {
                    g class="outlier" {
                        title { (outlier_text(group)) }
                        @let tip = if side < W / 2.0 { side - 8.0 } else { side + 8.0 };
                        polygon fill="#777" points=(format!("{},{} {},{} {},{}",
                            fmt(side), fmt(TOP + plot_h - 14.0), fmt(side), fmt(TOP + plot_h), fmt(tip), fmt(TOP + plot_h - 7.0))) {}
                    }
                }
            }
            g class="legend" transform=(format!("translate({LEFT},{})", H - 10.0)) {
                @for quad in 0..4 {
                    rect x=(quad as f64 * 170.0) y="-9" width="10" height="10" fill=(QUAD_COLORS[quad]) {}
                    text class="axis" x=(quad as f64 * 170.0 + 14.0) y="0" { (QUAD_NAMES[quad]) }
                }
                line x1="680" x2="700" y1="-4" y2="-4" stroke="#333" stroke-width="2" {}
                text class="axis" x="704" y="0" { "mean Goldstein" }
            }
        }
        @if !outliers.is_empty() {
            p.small.outliers { "Off the time scale, far from the other events: " (outlier_text(&outliers.iter().collect::<Vec<_>>())) "." }
        }
    }
}

/// "2025-06-02 (1 event), 2027-01-15 (2 events)": outliers by date.
fn outlier_text(outliers: &[&Outlier]) -> String {
    let mut by_date: Vec<(&str, usize)> = Vec::new();
    for outlier in outliers {
        match by_date.last_mut() {
            Some((date, n)) if *date == outlier.date => *n += 1,
            _ => by_date.push((&outlier.date, 1)),
        }
    }
    by_date
        .iter()
        .map(|(date, n)| format!("{date} ({})", plural(*n as u64, "event")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The non-empty QuadClass segments of a stacked bar: class index, where
/// the segment starts and its height, in events.
fn stack(counts: &[u64; 4]) -> Vec<(usize, f64, f64)> {
    let mut base = 0.0;
    let mut segments = Vec::new();
    for (quad, &count) in counts.iter().enumerate() {
        if count > 0 {
            segments.push((quad, base, count as f64));
            base += count as f64;
        }
    }
    segments
}

fn short_date(start: &str, period: &str) -> String {
    match period {
        "year" => start.get(..4).unwrap_or(start).to_string(),
        "month" => start.get(..7).unwrap_or(start).to_string(),
        _ => start.get(5..).unwrap_or(start).to_string(),
    }
}

fn fmt(value: f64) -> String {
    format!("{value:.1}")
}

/// Horizontal bars: events by CAMEO root, coloured by QuadClass.
pub(crate) fn mix(roots: &[RootCount]) -> Markup {
    const W: f64 = 520.0;
    const ROW: f64 = 20.0;
    const LABEL: f64 = 230.0;
    let max = roots.iter().map(|r| r.events).max().unwrap_or(1).max(1) as f64;
    let height = ROW * roots.len().max(1) as f64 + 8.0;
    html! {
        svg class="chart mix" viewBox=(format!("0 0 {W} {height}")) role="img" aria-label="Events by CAMEO root" {
            @for (i, root) in roots.iter().enumerate() {
                @let y = 4.0 + ROW * i as f64;
                @let width = (W - LABEL - 50.0) * root.events as f64 / max;
                @let quad = usize::from(root.quad_class.clamp(1, 4)) - 1;
                a href=(format!("/events?root={}", encode(&root.root))) {
                    text class="axis" x=(LABEL - 6.0) y=(fmt(y + 13.0)) text-anchor="end" {
                        (root.root) " " (cameo_name(&root.root))
                    }
                    rect class=(format!("bar q{}", quad + 1)) fill=(QUAD_COLORS[quad]) x=(LABEL) y=(fmt(y + 2.0))
                        width=(fmt(width.max(1.0))) height=(ROW - 6.0) {
                        title { (plural(root.events, "event")) ": " (cameo_name(&root.root)) }
                    }
                    text class="axis" x=(fmt(LABEL + width + 6.0)) y=(fmt(y + 13.0)) { (root.events) }
                }
            }
        }
    }
}

/// The actor network on a circle: busiest actors first, clockwise; an arc
/// per direction, as wide as its events are many, green for cooperation
/// and red for conflict by mean Goldstein value.
pub(crate) fn network(graph: &Network) -> Markup {
    const SIZE: f64 = 640.0;
    let center = SIZE / 2.0;
    let radius = SIZE / 2.0 - 90.0;
    let n = graph.nodes.len().max(1) as f64;
    let position = |code: &str| -> Option<(f64, f64)> {
        let i = graph.nodes.iter().position(|node| node.code == code)? as f64;
        let angle = i / n * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        Some((center + radius * angle.cos(), center + radius * angle.sin()))
    };
    let max_events = graph
        .edges
        .iter()
        .map(|e| e.events)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let max_node = graph
        .nodes
        .iter()
        .map(|n| n.events)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    html! {
        svg class="chart network" viewBox=(format!("0 0 {SIZE} {SIZE}")) role="img" aria-label="Actor network" {
            @for edge in &graph.edges {
                @if let (Some((x1, y1)), Some((x2, y2))) = (position(&edge.source), position(&edge.target)) {
                    // A slight curve to the right of the direction of travel,
                    // so the two directions of a pair do not overlap.
                    @let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                    @let (dx, dy) = (x2 - x1, y2 - y1);
                    @let (cx, cy) = (mx - dy * 0.12, my + dx * 0.12);
                    @let width = 1.0 + 5.0 * (edge.events as f64).ln_1p() / max_events.ln_1p();
                    @let color = goldstein_color(edge.goldstein);
                    a href=(dyad_href(&edge.source, &edge.target)) {
                        path class="edge" fill="none" stroke=(color) stroke-opacity="0.75"
                            stroke-width=(fmt(width))
                            d=(format!("M{} {} Q{} {} {} {}", fmt(x1), fmt(y1), fmt(cx), fmt(cy), fmt(x2), fmt(y2))) {
                            title { (edge.source) " → " (edge.target) ": " (plural(edge.events, "event")) ", mean Goldstein " (format!("{:+.1}", edge.goldstein)) }
                        }
                    }
                }
            }
            @for node in &graph.nodes {
                @if let Some((x, y)) = position(&node.code) {
                    @let r = 6.0 + 16.0 * (node.events as f64 / max_node).sqrt();
                    @let outward = if x >= center { "start" } else { "end" };
                    @let lx = if x >= center { x + r + 4.0 } else { x - r - 4.0 };
                    a href=(format!("/events?actor={}", encode(&node.code))) {
                        circle class="node" cx=(fmt(x)) cy=(fmt(y)) r=(fmt(r)) {
                            title { (country_label(&node.code)) ": " (plural(node.events, "event")) }
                        }
                        text class="node-label" x=(fmt(lx)) y=(fmt(y + 4.0)) text-anchor=(outward) { (node.code) }
                    }
                }
            }
        }
    }
}

fn dyad_href(a: &str, b: &str) -> String {
    let country = |c: &str| c.chars().take(3).collect::<String>();
    format!("/dyad/{}/{}", encode(&country(a)), encode(&country(b)))
}

/// Green for cooperation, red for conflict, grey near zero.
pub(crate) fn goldstein_color(goldstein: f64) -> &'static str {
    if goldstein >= 3.0 {
        "#3d8b57"
    } else if goldstein > 0.5 {
        "#7fb38f"
    } else if goldstein > -0.5 {
        "#8a8f98"
    } else if goldstein > -4.0 {
        "#e08a5a"
    } else {
        "#c4453c"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(date: &str, quad_class: u8, goldstein: f64) -> EventPoint {
        EventPoint {
            date: Some(date.into()),
            root: "01".into(),
            quad_class,
            goldstein,
            source_code: None,
            target_code: None,
        }
    }

    #[test]
    fn days_round_trip() {
        for date in ["1970-01-01", "2000-02-29", "2025-12-31", "2026-03-01"] {
            let (y, m, d) = civil(day_number(date).unwrap());
            assert_eq!(format!("{y:04}-{m:02}-{d:02}"), date);
        }
        assert_eq!(day_number("1970-01-02"), Some(1));
        assert_eq!(day_number("2025-02"), day_number("2025-02-01"));
        assert_eq!(day_number("2025-13-01"), None);
        assert_eq!(day_number("soon"), None);
    }

    #[test]
    fn a_few_weeks_are_charted_by_day_with_empty_days_kept() {
        let (buckets, outliers) = bucket_events(&[
            point("2025-02-10", 1, 4.0),
            point("2025-02-10T09:00:00Z", 4, -10.0),
            point("2025-02-12", 3, -2.0),
            point("undated", 1, 0.0),
        ]);
        assert!(outliers.is_empty());
        let days: Vec<_> = buckets.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(days, ["2025-02-10", "2025-02-11", "2025-02-12"]);
        assert_eq!(buckets[0].counts, [1, 0, 0, 1]);
        assert_eq!(buckets[0].goldstein, Some(-3.0));
        assert_eq!(buckets[1].goldstein, None);
    }

    #[test]
    fn months_of_events_are_charted_by_monday_weeks() {
        let (buckets, _) =
            bucket_events(&[point("2025-01-01", 1, 1.0), point("2025-06-30", 2, 1.0)]);
        assert_eq!(buckets[0].period, "week");
        assert_eq!(buckets[0].start, "2024-12-30"); // the Monday before
        assert_eq!(buckets.last().unwrap().start, "2025-06-30");
    }

    #[test]
    fn the_timeline_has_a_bar_per_quad_class_present() {
        let (buckets, outliers) =
            bucket_events(&[point("2025-02-10", 1, 4.0), point("2025-02-11", 4, -9.0)]);
        let svg = timeline(&buckets, &outliers).into_string();
        assert_eq!(svg.matches("<rect class=\"bar").count(), 2);
        assert!(svg.contains("polyline"), "{svg}");
    }

    #[test]
    fn events_dated_far_away_do_not_stretch_the_chart() {
        // Six weeks of a story, one event "last year" and two "next year".
        let mut points: Vec<EventPoint> = (0..42)
            .step_by(2)
            .map(|d| {
                let (y, m, day) = civil(day_number("2026-09-01").unwrap() + d);
                point(&format!("{y:04}-{m:02}-{day:02}"), 1 + (d % 4) as u8, 1.0)
            })
            .collect();
        points.push(point("2025-10-01", 4, -9.0));
        points.push(point("2027-03-01", 2, 5.0));
        points.push(point("2027-03-01", 2, 5.0));
        let (buckets, outliers) = bucket_events(&points);
        assert_eq!(buckets[0].period, "day", "six weeks are charted by day");
        assert_eq!(buckets[0].start, "2026-09-01");
        assert_eq!(buckets.last().unwrap().start, "2026-10-11");
        let dates: Vec<_> = outliers.iter().map(|o| o.date.as_str()).collect();
        assert_eq!(dates, ["2025-10-01", "2027-03-01", "2027-03-01"]);
        let svg = timeline(&buckets, &outliers).into_string();
        assert_eq!(
            svg.matches("class=\"outlier\"").count(),
            2,
            "a mark at each edge"
        );
        assert!(
            svg.contains("2025-10-01 (1 event), 2027-03-01 (2 events)"),
            "{svg}"
        );
        // Steady events over years are all charted.
        let steady: Vec<EventPoint> = (0..40)
            .map(|i| {
                point(
                    &format!("{:04}-{:02}-01", 2020 + i / 12, i % 12 + 1),
                    1,
                    0.0,
                )
            })
            .collect();
        assert!(bucket_events(&steady).1.is_empty());
    }
}
