//! The world map, drawn on the server as inline SVG from Natural Earth's
//! 1:110m country outlines (`data/world.tsv`, public domain, rebuilt by
//! `scripts/build_world_map.py` from the npm package world-atlas): no tile
//! server, no network, no script. A choropleth shades each country by a
//! count in five classes.

use std::sync::OnceLock;

use chancery_model::{cameo_country, iso_country};
use chancery_store::Edge;
use maud::{html, Markup};

/// The outlines: ISO alpha-3, name, SVG path in a 720 x 360 equirectangular box.
const WORLD: &str = include_str!("../data/world.tsv");

/// Shades from few to many (light to dark); countries with none stay grey.
const SHADES: [&str; 5] = ["#dbe9f6", "#a6cbe6", "#6aaed6", "#3182bd", "#08519c"];
const NONE: &str = "#eeeeee";

struct Country {
    code: &'static str,
    name: &'static str,
    path: &'static str,
}

fn countries() -> &'static [Country] {
    static PARSED: OnceLock<Vec<Country>> = OnceLock::new();
    PARSED.get_or_init(|| {
        WORLD
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let mut cols = l.splitn(3, '\t');
                Some(Country {
                    code: cols.next()?,
                    name: cols.next()?,
                    path: cols.next()?,
                })
            })
            .collect()
    })
}

/// The class (0 to 4) of `count` on a log scale up to `max`.
fn class(count: u64, max: u64) -> usize {
    if max <= 1 {
        return SHADES.len() - 1;
    }
    let share = (count as f64).ln_1p() / (max as f64).ln_1p();
    ((share * SHADES.len() as f64).ceil() as usize).clamp(1, SHADES.len()) - 1
}

/// A choropleth of `counts` (ISO alpha-3 code, count), each country a link
/// to `href(code)` and titled with its name and count.
pub(crate) fn choropleth(
    counts: &[(String, u64)],
    what: &str,
    href: impl Fn(&str) -> String,
) -> Markup {
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let count_of = |code: &str| {
        counts
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n)
    };
    html! {
        svg class="chart world-map" viewBox="0 0 720 360" role="img" aria-label=(format!("{what} by country")) {
            @for c in countries() {
                @let n = count_of(c.code);
                @if n > 0 {
                    a href=(href(c.code)) {
                        path d=(c.path) fill=(SHADES[class(n, max)]) stroke="#ffffff" stroke-width="0.3" {
                            title { (c.name) ": " (n) " " (what) }
                        }
                    }
                } @else {
                    path d=(c.path) fill=(NONE) stroke="#ffffff" stroke-width="0.3" {
                        title { (c.name) }
                    }
                }
            }
        }
    }
}

/// Events per country (ISO alpha-3) from actor-pair edges: an event counts
/// for the country of each of its actors (once when both are of one
/// country). Codes that name no country (`IGO`, `NGO`) are left out.
pub(crate) fn events_by_country(edges: &[Edge]) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = Vec::new();
    let mut add = |code: &str, n: u64| {
        let iso = iso_country(code).to_string();
        match counts.iter_mut().find(|(c, _)| *c == iso) {
            Some((_, total)) => *total += n,
            None => counts.push((iso, n)),
        }
    };
    for edge in edges {
        let source = edge.source.get(..3).unwrap_or("");
        let target = edge.target.get(..3).unwrap_or("");
        if !source.is_empty() {
            add(source, edge.events);
        }
        if !target.is_empty() && target != source {
            add(target, edge.events);
        }
    }
    counts.sort();
    counts
}

/// The events page of a country's actors (CAMEO spelling of the code).
pub(crate) fn country_events_href(iso: &str) -> String {
    format!("/events?actor={}", cameo_country(iso))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_load_and_shade_by_count() {
        assert!(countries().len() > 150);
        assert!(countries().iter().any(|c| c.code == "FRA"));
        let counts = vec![("FRA".to_string(), 12), ("DEU".to_string(), 1)];
        let svg = choropleth(&counts, "events", |c| format!("/events?country={c}")).into_string();
        assert!(svg.contains("/events?country=FRA"));
        assert!(svg.contains(SHADES[4]), "the largest count is darkest");
        assert!(svg.contains("France: 12 events"));
        assert_eq!(class(1, 1000), 0);
        assert!(class(1, 12) < class(6, 12));
        assert_eq!(class(12, 12), 4);
    }

    #[test]
    fn events_count_for_each_actor_country_once() {
        let edge = |s: &str, t: &str, n| Edge {
            source: s.into(),
            target: t.into(),
            events: n,
            goldstein: 0.0,
        };
        let counts = events_by_country(&[
            edge("IRNGOV", "USAGOV", 3),
            edge("ROMGOV", "ROMMIL", 2),
            edge("USA", "IRN", 1),
        ]);
        assert_eq!(
            counts,
            [
                ("IRN".to_string(), 4),
                ("ROU".to_string(), 2),
                ("USA".to_string(), 4)
            ]
        );
        assert_eq!(country_events_href("ROU"), "/events?actor=ROM");
    }
}
