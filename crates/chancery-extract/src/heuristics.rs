//! Switches for the main-content heuristics, so that what each one is worth
//! can be measured on pages it was not written for
//! (`chancery eval extraction --cv K --ablate`). Everything is on by
//! default, and [`crate::extract`] always runs with the default.

/// One heuristic of main-content extraction that can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heuristic {
    /// Several strong candidates under one ancestor make the ancestor the content.
    StrongAncestor,
    /// The chosen element climbs to a parent that scores as well.
    Climb,
    /// An only child gives way to its parent.
    OnlyChild,
    /// Siblings of the chosen element that score well join it.
    Siblings,
    /// Sibling `<p>`s that read as prose (a lede beside the body) join it.
    SiblingParagraphs,
    /// A poor choice is replaced by all the page's paragraphs.
    ParagraphFallback,
    /// Short furniture lines ("Share", "Advertisement") are dropped.
    Furniture,
    /// Photo credits and update stamps are dropped.
    CreditsTimestamps,
    /// Blocks that are only a date are dropped.
    Datelines,
    /// Page chrome and footer lines are dropped.
    PageChrome,
    /// Link-heavy blocks are dropped.
    LinkBlocks,
    /// A related-links heading turns what follows into related items.
    RelatedHeadings,
    /// Trailing headings with nothing after them are dropped.
    TrailingHeadings,
    /// Listings and collections keep the titles of their items.
    ListingItems,
    /// Elements whose class or id names boilerplate are pruned.
    ClassNames,
    /// On forums, the element holding the posts joins the content.
    ThreadPosts,
}

impl Heuristic {
    /// Every heuristic, in the order of the pipeline.
    pub const ALL: [Heuristic; 16] = [
        Heuristic::ClassNames,
        Heuristic::StrongAncestor,
        Heuristic::Climb,
        Heuristic::OnlyChild,
        Heuristic::Siblings,
        Heuristic::SiblingParagraphs,
        Heuristic::ParagraphFallback,
        Heuristic::Furniture,
        Heuristic::CreditsTimestamps,
        Heuristic::Datelines,
        Heuristic::PageChrome,
        Heuristic::LinkBlocks,
        Heuristic::RelatedHeadings,
        Heuristic::TrailingHeadings,
        Heuristic::ListingItems,
        Heuristic::ThreadPosts,
    ];

    /// The name used on the command line (`strong-ancestor`, `climb`…).
    pub fn name(self) -> &'static str {
        match self {
            Heuristic::StrongAncestor => "strong-ancestor",
            Heuristic::Climb => "climb",
            Heuristic::OnlyChild => "only-child",
            Heuristic::Siblings => "siblings",
            Heuristic::SiblingParagraphs => "sibling-paragraphs",
            Heuristic::ParagraphFallback => "paragraph-fallback",
            Heuristic::Furniture => "furniture",
            Heuristic::CreditsTimestamps => "credits-timestamps",
            Heuristic::Datelines => "datelines",
            Heuristic::PageChrome => "page-chrome",
            Heuristic::LinkBlocks => "link-blocks",
            Heuristic::RelatedHeadings => "related-headings",
            Heuristic::TrailingHeadings => "trailing-headings",
            Heuristic::ListingItems => "listing-items",
            Heuristic::ClassNames => "class-names",
            Heuristic::ThreadPosts => "thread-posts",
        }
    }

    /// The heuristic of a name; the error lists the names there are.
    pub fn from_name(name: &str) -> Result<Heuristic, String> {
        Heuristic::ALL
            .into_iter()
            .find(|h| h.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Heuristic::ALL.iter().map(|h| h.name()).collect();
                format!(
                    "unknown heuristic {name:?}: choose one of {}",
                    names.join(", ")
                )
            })
    }

    fn bit(self) -> u32 {
        1 << Heuristic::ALL.iter().position(|&h| h == self).unwrap_or(0)
    }
}

/// Which heuristics are on: all of them by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heuristics {
    off: u32,
}

impl Default for Heuristics {
    fn default() -> Heuristics {
        Heuristics::all()
    }
}

impl Heuristics {
    /// Every heuristic on.
    pub fn all() -> Heuristics {
        Heuristics { off: 0 }
    }

    /// The same with `heuristic` switched off.
    pub fn without(self, heuristic: Heuristic) -> Heuristics {
        Heuristics {
            off: self.off | heuristic.bit(),
        }
    }

    /// Whether `heuristic` is on.
    pub fn on(self, heuristic: Heuristic) -> bool {
        self.off & heuristic.bit() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_switches_are_independent() {
        for h in Heuristic::ALL {
            assert_eq!(Heuristic::from_name(h.name()), Ok(h));
            let off = Heuristics::all().without(h);
            assert!(!off.on(h));
            assert_eq!(Heuristic::ALL.iter().filter(|&&o| !off.on(o)).count(), 1);
        }
        assert!(Heuristic::from_name("magic")
            .unwrap_err()
            .contains("strong-ancestor"));
    }
}
