//! A fast, forgiving HTML tree for extraction.
//!
//! Extraction needs the shape of a page (which text sits in which block, which
//! elements are links, which carry which classes), not a browser-exact DOM, and
//! the spec-complete parser costs more than everything else extraction does
//! together. So this builder follows the HTML5 tree-construction rules that
//! shape text — implied `</p>`, `</li>`, `</td>` and friends, void and raw-text
//! elements, end tags that close only what they may close — and skips the ones
//! that do not (foster parenting, formatting-element reconstruction, quirks).
//!
//! Nodes live in one arena and point into the source by byte range: no string
//! is copied while parsing. Entities are decoded when text is read.

use std::borrow::Cow;

use memchr::memmem;

use super::entities;

/// Index of a node in [`Dom::nodes`].
pub(crate) type Ix = u32;

/// "No node" in the links between nodes.
pub(crate) const NONE: Ix = u32::MAX;

/// Open elements deeper than this are not nested further: their content is
/// appended at this depth, so hostile nesting cannot blow the stack later.
const MAX_DEPTH: usize = 256;

/// A parsed page.
pub(crate) struct Dom<'a> {
    src: &'a str,
    nodes: Vec<Node>,
    attrs: Vec<Attr>,
    /// Decoded forms of texts and attribute values that had character references.
    decoded: Vec<String>,
    html: Ix,
    head: Ix,
    body: Ix,
}

/// One node of the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub parent: Ix,
    pub first_child: Ix,
    pub last_child: Ix,
    pub next_sibling: Ix,
    pub kind: Kind,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The root.
    Document,
    /// An element: its tag, its name in the source, its attributes as a range
    /// of [`Dom::attrs`].
    Element {
        tag: Tag,
        name: (u32, u32),
        attrs: (u32, u32),
    },
    /// Text, as a byte range of the source; `raw` text (script, style) holds no
    /// character references. When the text had references, `decoded` indexes
    /// its decoded form in [`Dom::decoded`] (else it is [`NONE`]).
    Text {
        start: u32,
        end: u32,
        raw: bool,
        decoded: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Attr {
    name: (u32, u32),
    value: (u32, u32),
    /// Index of the decoded value in [`Dom::decoded`], or [`NONE`].
    decoded: u32,
}

macro_rules! tags {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The tags extraction tells apart; everything else is [`Tag::Other`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Tag { $($variant,)* Other }

        impl Tag {
            fn from_lowercase(name: &[u8]) -> Tag {
                match name { $($name => Tag::$variant,)* _ => Tag::Other }
            }

            /// The lowercase tag name (`""` for [`Tag::Other`]).
            pub(crate) fn name(self) -> &'static str {
                match self { $(Tag::$variant => std::str::from_utf8($name).unwrap_or(""),)* Tag::Other => "" }
            }
        }
    };
}

tags! {
    A = b"a", Abbr = b"abbr", Address = b"address", Applet = b"applet", Area = b"area", Article = b"article",
    Aside = b"aside", Audio = b"audio", B = b"b", Base = b"base", Blockquote = b"blockquote", Body = b"body",
    Br = b"br", Button = b"button", Canvas = b"canvas", Caption = b"caption", Center = b"center", Cite = b"cite",
    Code = b"code", Col = b"col", Colgroup = b"colgroup", Dd = b"dd", Details = b"details", Dialog = b"dialog",
    Dir = b"dir", Div = b"div", Dl = b"dl", Dt = b"dt", Em = b"em", Embed = b"embed", Fieldset = b"fieldset",
    Figcaption = b"figcaption", Figure = b"figure", Font = b"font", Footer = b"footer", Form = b"form",
    H1 = b"h1", H2 = b"h2", H3 = b"h3", H4 = b"h4", H5 = b"h5", H6 = b"h6", Head = b"head", Header = b"header",
    Hgroup = b"hgroup", Hr = b"hr", Html = b"html", I = b"i", Iframe = b"iframe", Img = b"img", Input = b"input",
    Keygen = b"keygen", Label = b"label", Li = b"li", Link = b"link", Listing = b"listing", Main = b"main",
    Map = b"map", Mark = b"mark", Marquee = b"marquee", Math = b"math", Menu = b"menu", Meta = b"meta", Nav = b"nav",
    Noembed = b"noembed", Noframes = b"noframes", Noscript = b"noscript", Object = b"object", Ol = b"ol",
    Optgroup = b"optgroup", Option = b"option", P = b"p", Param = b"param", Picture = b"picture",
    Plaintext = b"plaintext", Pre = b"pre", Q = b"q", S = b"s", Script = b"script", Section = b"section",
    Select = b"select", Small = b"small", Source = b"source", Span = b"span", Strong = b"strong", Style = b"style",
    Sub = b"sub", Summary = b"summary", Sup = b"sup", Svg = b"svg", Table = b"table", Tbody = b"tbody", Td = b"td",
    Template = b"template", Textarea = b"textarea", Tfoot = b"tfoot", Th = b"th", Thead = b"thead", Time = b"time",
    Title = b"title", Tr = b"tr", Track = b"track", U = b"u", Ul = b"ul", Video = b"video", Wbr = b"wbr", Xmp = b"xmp",
}

impl Tag {
    fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Br
                | Col
                | Embed
                | Hr
                | Img
                | Input
                | Keygen
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
        )
    }

    /// Elements whose content is text up to their end tag. SVG and MathML are
    /// skipped the same way: their text is never article text. `<noscript>` is
    /// parsed as markup, as a browser without scripts does: forum software
    /// (Discourse, for one) serves its posts there.
    fn is_raw_text(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Script
                | Style
                | Textarea
                | Title
                | Xmp
                | Iframe
                | Noembed
                | Noframes
                | Plaintext
                | Svg
                | Math
                | Template
        )
    }

    /// Raw-text elements whose text still has character references.
    fn decodes_entities(self) -> bool {
        matches!(self, Tag::Title | Tag::Textarea)
    }

    /// Start tags that close an open `<p>`.
    fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Ul
                | Li
                | Dd
                | Dt
                | Plaintext
                | Listing
                | Xmp
        )
    }

    /// `<h1>` to `<h6>`.
    pub(crate) fn is_heading(self) -> bool {
        matches!(
            self,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
        )
    }

    /// HTML's "special" elements: an end tag for an inline element does not
    /// reach past one of them.
    fn is_special(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Applet
                | Area
                | Article
                | Aside
                | Base
                | Blockquote
                | Body
                | Br
                | Button
                | Caption
                | Center
                | Col
                | Colgroup
                | Dd
                | Details
                | Dir
                | Div
                | Dl
                | Dt
                | Embed
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Head
                | Header
                | Hgroup
                | Hr
                | Html
                | Iframe
                | Img
                | Input
                | Keygen
                | Li
                | Link
                | Listing
                | Main
                | Marquee
                | Menu
                | Meta
                | Nav
                | Noembed
                | Noframes
                | Noscript
                | Object
                | Ol
                | P
                | Param
                | Plaintext
                | Pre
                | Script
                | Section
                | Select
                | Source
                | Style
                | Summary
                | Table
                | Tbody
                | Td
                | Template
                | Textarea
                | Tfoot
                | Th
                | Thead
                | Title
                | Tr
                | Track
                | Ul
                | Wbr
                | Xmp
        )
    }

    /// Boundaries of the default scope.
    fn bounds_scope(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Applet | Caption | Html | Table | Td | Th | Marquee | Object | Template
        )
    }

    /// Elements that belong in `<head>` when they come before the body.
    fn is_head_content(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Meta | Link | Title | Script | Style | Base | Noscript | Template
        )
    }
}

impl<'a> Dom<'a> {
    /// Parses a page. Never fails: any input gives a tree with a `<body>`.
    pub(crate) fn parse(src: &'a str) -> Dom<'a> {
        let mut builder = Builder {
            dom: Dom {
                src,
                nodes: Vec::with_capacity(src.len() / 64 + 16),
                attrs: Vec::with_capacity(src.len() / 128 + 16),
                decoded: Vec::new(),
                html: NONE,
                head: NONE,
                body: NONE,
            },
            stack: Vec::with_capacity(64),
        };
        builder.dom.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind: Kind::Document,
        });
        builder.run();
        let mut dom = builder.dom;
        if dom.body == NONE {
            let html = if dom.html == NONE {
                dom.append(
                    0,
                    Kind::Element {
                        tag: Tag::Html,
                        name: (0, 0),
                        attrs: (0, 0),
                    },
                )
            } else {
                dom.html
            };
            dom.html = html;
            dom.body = dom.append(
                html,
                Kind::Element {
                    tag: Tag::Body,
                    name: (0, 0),
                    attrs: (0, 0),
                },
            );
        }
        dom
    }

    fn append(&mut self, parent: Ix, kind: Kind) -> Ix {
        let ix = self.nodes.len() as Ix;
        self.nodes.push(Node {
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind,
        });
        let p = &mut self.nodes[parent as usize];
        if p.first_child == NONE {
            p.first_child = ix;
        } else {
            let last = p.last_child;
            self.nodes[last as usize].next_sibling = ix;
        }
        self.nodes[parent as usize].last_child = ix;
        ix
    }

    /// The `<body>` element.
    pub(crate) fn body(&self) -> Ix {
        self.body
    }

    /// The `<html>` element.
    pub(crate) fn html(&self) -> Ix {
        self.html
    }

    /// Number of nodes, for sizing per-node tables.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// A node.
    pub(crate) fn node(&self, ix: Ix) -> &Node {
        &self.nodes[ix as usize]
    }

    /// The tag of an element, `None` for text and the document.
    pub(crate) fn tag(&self, ix: Ix) -> Option<Tag> {
        match self.nodes[ix as usize].kind {
            Kind::Element { tag, .. } => Some(tag),
            _ => None,
        }
    }

    /// The element's name as written, lower-cased only if needed.
    pub(crate) fn tag_name(&self, ix: Ix) -> Cow<'a, str> {
        match self.nodes[ix as usize].kind {
            Kind::Element {
                tag: Tag::Other,
                name,
                ..
            } => {
                let name = &self.src[name.0 as usize..name.1 as usize];
                if name.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(name.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(name)
                }
            }
            Kind::Element { tag, .. } => Cow::Borrowed(tag.name()),
            _ => Cow::Borrowed(""),
        }
    }

    /// The element's name as written (known tags in lower case), without
    /// allocating.
    pub(crate) fn tag_name_raw(&self, ix: Ix) -> &'a str {
        match self.nodes[ix as usize].kind {
            Kind::Element {
                tag: Tag::Other,
                name,
                ..
            } => &self.src[name.0 as usize..name.1 as usize],
            Kind::Element { tag, .. } => tag.name(),
            _ => "",
        }
    }

    /// The parent, `None` at the root.
    pub(crate) fn parent(&self, ix: Ix) -> Option<Ix> {
        let parent = self.nodes[ix as usize].parent;
        (parent != NONE).then_some(parent)
    }

    /// The children, in order.
    pub(crate) fn children(&self, ix: Ix) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.nodes[ix as usize].first_child,
        }
    }

    /// The ancestors, nearest first (not including `ix`).
    pub(crate) fn ancestors(&self, ix: Ix) -> impl Iterator<Item = Ix> + '_ {
        std::iter::successors(self.parent(ix), move |&n| self.parent(n))
    }

    /// `ix` and every node below it, in document order.
    pub(crate) fn descendants(&self, ix: Ix) -> Descendants<'_, 'a> {
        Descendants {
            dom: self,
            root: ix,
            next: ix,
        }
    }

    /// An attribute's value, entities decoded; names compare case-insensitively.
    pub(crate) fn attr(&self, ix: Ix, name: &str) -> Option<&str> {
        let Kind::Element { attrs, .. } = self.nodes[ix as usize].kind else {
            return None;
        };
        self.attrs[attrs.0 as usize..attrs.1 as usize]
            .iter()
            .find(|a| self.src[a.name.0 as usize..a.name.1 as usize].eq_ignore_ascii_case(name))
            .map(|a| self.resolve(a.value, a.decoded))
    }

    /// An element's attributes as (name as written, decoded value).
    pub(crate) fn attrs(&self, ix: Ix) -> impl Iterator<Item = (&str, &str)> {
        let range = match self.nodes[ix as usize].kind {
            Kind::Element { attrs, .. } => attrs.0 as usize..attrs.1 as usize,
            _ => 0..0,
        };
        self.attrs[range].iter().map(|a| {
            (
                &self.src[a.name.0 as usize..a.name.1 as usize],
                self.resolve(a.value, a.decoded),
            )
        })
    }

    /// True when the element has attributes.
    pub(crate) fn has_attrs(&self, ix: Ix) -> bool {
        matches!(self.nodes[ix as usize].kind, Kind::Element { attrs, .. } if attrs.1 > attrs.0)
    }

    fn resolve(&self, span: (u32, u32), decoded: u32) -> &str {
        if decoded == NONE {
            &self.src[span.0 as usize..span.1 as usize]
        } else {
            &self.decoded[decoded as usize]
        }
    }

    /// A text node's text, entities decoded; `None` for other nodes.
    pub(crate) fn text(&self, ix: Ix) -> Option<&str> {
        match self.nodes[ix as usize].kind {
            Kind::Text {
                start,
                end,
                decoded,
                ..
            } => Some(self.resolve((start, end), decoded)),
            _ => None,
        }
    }

    /// A text node's source bytes, undecoded (cheap, for counting).
    pub(crate) fn raw_text(&self, ix: Ix) -> Option<&'a str> {
        match self.nodes[ix as usize].kind {
            Kind::Text { start, end, .. } => Some(&self.src[start as usize..end as usize]),
            _ => None,
        }
    }

    /// All text below `ix`, concatenated, entities decoded.
    pub(crate) fn text_content(&self, ix: Ix) -> String {
        let mut out = String::new();
        for n in self.descendants(ix) {
            if let Some(text) = self.text(n) {
                out.push_str(text);
            }
        }
        out
    }
}

/// Iterator over a node's children.
pub(crate) struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: Ix,
}

impl Iterator for Children<'_, '_> {
    type Item = Ix;

    fn next(&mut self) -> Option<Ix> {
        if self.next == NONE {
            return None;
        }
        let current = self.next;
        self.next = self.dom.nodes[current as usize].next_sibling;
        Some(current)
    }
}

/// Pre-order iterator over a subtree.
pub(crate) struct Descendants<'d, 'a> {
    dom: &'d Dom<'a>,
    root: Ix,
    next: Ix,
}

impl Iterator for Descendants<'_, '_> {
    type Item = Ix;

    fn next(&mut self) -> Option<Ix> {
        if self.next == NONE {
            return None;
        }
        let current = self.next;
        let node = &self.dom.nodes[current as usize];
        self.next = if node.first_child != NONE {
            node.first_child
        } else {
            let mut n = current;
            loop {
                if n == self.root {
                    break NONE;
                }
                let sibling = self.dom.nodes[n as usize].next_sibling;
                if sibling != NONE {
                    break sibling;
                }
                n = self.dom.nodes[n as usize].parent;
                if n == NONE {
                    break NONE;
                }
            }
        };
        Some(current)
    }
}

/// The tokenizer and tree builder.
struct Builder<'a> {
    dom: Dom<'a>,
    /// Open elements, outermost first.
    stack: Vec<Ix>,
}

fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

impl<'a> Builder<'a> {
    fn run(&mut self) {
        let src = self.dom.src;
        let bytes = src.as_bytes();
        let mut pos = 0;
        let mut text_start = 0;
        while let Some(offset) = memchr::memchr(b'<', &bytes[pos..]) {
            let lt = pos + offset;
            let next = bytes.get(lt + 1).copied().unwrap_or(0);
            if next == b'!'
                || next == b'?'
                || (next == b'/' && !bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic))
            {
                self.text(text_start, lt);
                pos = skip_markup_declaration(bytes, lt);
                text_start = pos;
            } else if next == b'/' {
                self.text(text_start, lt);
                let (name, end) = read_name(bytes, lt + 2);
                let close =
                    memchr::memchr(b'>', &bytes[end..]).map_or(bytes.len(), |i| end + i + 1);
                self.end_tag(name);
                pos = close;
                text_start = pos;
            } else if next.is_ascii_alphabetic() {
                self.text(text_start, lt);
                pos = self.start_tag(lt + 1);
                text_start = pos;
            } else {
                pos = lt + 1;
            }
        }
        self.text(text_start, bytes.len());
    }

    fn current(&self) -> Ix {
        self.stack.last().copied().unwrap_or(0)
    }

    fn tag_at(&self, ix: Ix) -> Tag {
        self.dom.tag(ix).unwrap_or(Tag::Other)
    }

    fn ensure_html(&mut self) {
        if self.dom.html == NONE {
            self.dom.html = self.dom.append(
                0,
                Kind::Element {
                    tag: Tag::Html,
                    name: (0, 0),
                    attrs: (0, 0),
                },
            );
            self.stack.clear();
            self.stack.push(self.dom.html);
        }
    }

    /// Makes sure a body is open, closing the head first.
    fn ensure_body(&mut self) {
        self.ensure_html();
        if self.dom.body == NONE {
            self.stack.truncate(1);
            self.dom.body = self.dom.append(
                self.dom.html,
                Kind::Element {
                    tag: Tag::Body,
                    name: (0, 0),
                    attrs: (0, 0),
                },
            );
            self.stack.push(self.dom.body);
        }
    }

    fn text(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let text = &self.dom.src.as_bytes()[start..end];
        let blank = text.iter().all(|&b| is_ascii_space(b));
        if self.dom.body == NONE {
            if blank {
                return;
            }
            self.ensure_body();
        }
        if blank && self.stack.len() <= 1 {
            return;
        }
        let parent = self.current();
        let decoded = self.decode(start, end, false);
        self.dom.append(
            parent,
            Kind::Text {
                start: start as u32,
                end: end as u32,
                raw: false,
                decoded,
            },
        );
    }

    /// Decodes character references in `src[start..end]`, storing the result
    /// when it differs; returns its index or [`NONE`].
    fn decode(&mut self, start: usize, end: usize, in_attribute: bool) -> u32 {
        let text = &self.dom.src[start..end];
        if memchr::memchr(b'&', text.as_bytes()).is_none() {
            return NONE;
        }
        match entities::decode(text, in_attribute) {
            Cow::Borrowed(_) => NONE,
            Cow::Owned(decoded) => {
                self.dom.decoded.push(decoded);
                (self.dom.decoded.len() - 1) as u32
            }
        }
    }

    /// Reads a start tag whose name starts at `at`; returns where parsing goes on.
    fn start_tag(&mut self, at: usize) -> usize {
        let bytes = self.dom.src.as_bytes();
        let (name, mut pos) = read_name(bytes, at);
        let tag = tag_of(name);
        let attrs_start = self.dom.attrs.len() as u32;
        let mut self_closing = false;
        loop {
            while pos < bytes.len() && (is_ascii_space(bytes[pos]) || bytes[pos] == b'/') {
                self_closing = bytes[pos] == b'/';
                pos += 1;
            }
            if pos >= bytes.len() {
                break;
            }
            if bytes[pos] == b'>' {
                pos += 1;
                break;
            }
            self_closing = false;
            let name_start = pos;
            pos += 1; // an attribute name may start with any byte, even '='
            while pos < bytes.len()
                && !is_ascii_space(bytes[pos])
                && !matches!(bytes[pos], b'=' | b'>' | b'/')
            {
                pos += 1;
            }
            let name_end = pos;
            while pos < bytes.len() && is_ascii_space(bytes[pos]) {
                pos += 1;
            }
            let mut value = (pos as u32, pos as u32);
            if pos < bytes.len() && bytes[pos] == b'=' {
                pos += 1;
                while pos < bytes.len() && is_ascii_space(bytes[pos]) {
                    pos += 1;
                }
                if pos < bytes.len() && (bytes[pos] == b'"' || bytes[pos] == b'\'') {
                    let quote = bytes[pos];
                    let end = memchr::memchr(quote, &bytes[pos + 1..])
                        .map_or(bytes.len(), |i| pos + 1 + i);
                    value = ((pos + 1) as u32, end as u32);
                    pos = (end + 1).min(bytes.len());
                } else {
                    let start = pos;
                    while pos < bytes.len() && !is_ascii_space(bytes[pos]) && bytes[pos] != b'>' {
                        pos += 1;
                    }
                    value = (start as u32, pos as u32);
                }
            }
            let decoded = self.decode(value.0 as usize, value.1 as usize, true);
            self.dom.attrs.push(Attr {
                name: (name_start as u32, name_end as u32),
                value,
                decoded,
            });
        }
        let attrs = (attrs_start, self.dom.attrs.len() as u32);
        let name_span = ((at) as u32, (at + name.len()) as u32);
        let kind = Kind::Element {
            tag,
            name: name_span,
            attrs,
        };
        self.insert_element(tag, kind, self_closing);
        if tag.is_raw_text() {
            return self.raw_text(tag, name, pos);
        }
        pos
    }

    /// The content of a raw-text element, up to its end tag.
    fn raw_text(&mut self, tag: Tag, name: &[u8], from: usize) -> usize {
        let bytes = self.dom.src.as_bytes();
        let (end, resume) = if tag == Tag::Plaintext {
            (bytes.len(), bytes.len())
        } else {
            find_end_tag(bytes, from, name).unwrap_or((bytes.len(), bytes.len()))
        };
        if end > from {
            let parent = self.current();
            if self.dom.tag(parent) == Some(tag) {
                let decoded = if tag.decodes_entities() {
                    self.decode(from, end, false)
                } else {
                    NONE
                };
                self.dom.append(
                    parent,
                    Kind::Text {
                        start: from as u32,
                        end: end as u32,
                        raw: !tag.decodes_entities(),
                        decoded,
                    },
                );
            }
        }
        if self.dom.tag(self.current()) == Some(tag) {
            self.stack.pop();
        }
        resume
    }

    fn insert_element(&mut self, tag: Tag, kind: Kind, self_closing: bool) {
        match tag {
            Tag::Html => {
                if self.dom.html == NONE {
                    self.dom.html = self.dom.append(0, kind);
                    self.stack.push(self.dom.html);
                }
                return;
            }
            Tag::Head => {
                self.ensure_html();
                if self.dom.head == NONE && self.dom.body == NONE {
                    self.dom.head = self.dom.append(self.dom.html, kind);
                    self.stack.truncate(1);
                    self.stack.push(self.dom.head);
                }
                return;
            }
            Tag::Body => {
                self.ensure_html();
                if self.dom.body == NONE {
                    self.stack.truncate(1);
                    self.dom.body = self.dom.append(self.dom.html, kind);
                    self.stack.push(self.dom.body);
                }
                return;
            }
            _ => {}
        }
        if self.dom.body == NONE {
            if tag.is_head_content() {
                self.ensure_html();
                if self.dom.head == NONE {
                    self.dom.head = self.dom.append(
                        self.dom.html,
                        Kind::Element {
                            tag: Tag::Head,
                            name: (0, 0),
                            attrs: (0, 0),
                        },
                    );
                    self.stack.truncate(1);
                    self.stack.push(self.dom.head);
                }
                let head = self.dom.head;
                let ix = self.dom.append(head, kind);
                if !tag.is_void() && tag.is_raw_text() {
                    self.stack.truncate(1);
                    self.stack.push(head);
                    self.stack.push(ix);
                }
                return;
            }
            self.ensure_body();
        }
        self.close_implied(tag);
        let parent = self.current();
        let ix = self.dom.append(parent, kind);
        let opens = !(tag.is_void() || (self_closing && tag == Tag::Other));
        if opens && (self.stack.len() < MAX_DEPTH || tag.is_raw_text()) {
            self.stack.push(ix);
        }
    }

    /// The end tags a start tag implies (`<p>` closes an open `<p>`, `<li>` an
    /// open `<li>`, `<td>` an open cell…).
    fn close_implied(&mut self, tag: Tag) {
        use Tag::*;
        if tag.closes_p() && self.in_scope(P, &[Button]) {
            self.pop_through(P);
        }
        match tag {
            H1 | H2 | H3 | H4 | H5 | H6 if self.tag_at(self.current()).is_heading() => {
                self.stack.pop();
            }
            Li => self.close_list_item(&[Li], &[Ol, Ul]),
            Dd | Dt => self.close_list_item(&[Dd, Dt], &[Dl]),
            A if self.in_scope(A, &[]) => self.pop_through(A),
            Tr => self.close_in_table(&[Tr, Td, Th]),
            Td | Th => self.close_in_table(&[Td, Th]),
            Tbody | Thead | Tfoot => self.close_in_table(&[Tbody, Thead, Tfoot, Tr, Td, Th]),
            Option if self.tag_at(self.current()) == Option => {
                self.stack.pop();
            }
            Optgroup => {
                while matches!(self.tag_at(self.current()), Option | Optgroup) {
                    self.stack.pop();
                }
            }
            _ => {}
        }
    }

    fn close_list_item(&mut self, items: &[Tag], lists: &[Tag]) {
        for i in (0..self.stack.len()).rev() {
            let t = self.tag_at(self.stack[i]);
            if items.contains(&t) {
                self.stack.truncate(i);
                return;
            }
            if lists.contains(&t)
                || (t.is_special() && !matches!(t, Tag::Address | Tag::Div | Tag::P))
            {
                return;
            }
        }
    }

    fn close_in_table(&mut self, closed: &[Tag]) {
        for i in (0..self.stack.len()).rev() {
            let t = self.tag_at(self.stack[i]);
            if closed.contains(&t) {
                // Keep looking: a `<tr>` also closes the cell inside it.
                let mut j = i;
                while j > 0 && closed.contains(&self.tag_at(self.stack[j - 1])) {
                    j -= 1;
                }
                self.stack.truncate(j);
                return;
            }
            if matches!(t, Tag::Table | Tag::Html | Tag::Template) {
                return;
            }
        }
    }

    /// True when `tag` is open with no scope boundary above it.
    fn in_scope(&self, tag: Tag, extra_bounds: &[Tag]) -> bool {
        for &ix in self.stack.iter().rev() {
            let t = self.tag_at(ix);
            if t == tag {
                return true;
            }
            if t.bounds_scope() || extra_bounds.contains(&t) {
                return false;
            }
        }
        false
    }

    fn pop_through(&mut self, tag: Tag) {
        while let Some(ix) = self.stack.pop() {
            if self.tag_at(ix) == tag || self.stack.len() <= 1 {
                break;
            }
        }
    }

    fn end_tag(&mut self, name: &[u8]) {
        let tag = tag_of(name);
        match tag {
            Tag::Html | Tag::Body => return,
            Tag::Head => {
                if self.dom.body == NONE
                    && self.stack.last() == Some(&self.dom.head)
                    && self.dom.head != NONE
                {
                    self.stack.pop();
                }
                return;
            }
            Tag::Br => {
                let kind = Kind::Element {
                    tag: Tag::Br,
                    name: (0, 0),
                    attrs: (0, 0),
                };
                self.insert_element(Tag::Br, kind, false);
                return;
            }
            _ => {}
        }
        if self.stack.len() <= 1 {
            return;
        }
        if tag != Tag::Other && tag.is_special() {
            // Block-level end tags close the element if it is in scope.
            let bounds: &[Tag] = match tag {
                Tag::P => &[Tag::Button],
                Tag::Li => &[Tag::Ol, Tag::Ul],
                _ => &[],
            };
            if self.in_scope(tag, bounds) {
                self.pop_through(tag);
            }
            return;
        }
        // Inline end tags close the nearest matching element, unless a block
        // stands between.
        for i in (1..self.stack.len()).rev() {
            let ix = self.stack[i];
            let matches = match self.dom.tag(ix) {
                Some(Tag::Other) => self.dom.tag_name(ix).as_bytes().eq_ignore_ascii_case(name),
                Some(t) => t == tag && tag != Tag::Other,
                None => false,
            };
            if matches {
                self.stack.truncate(i);
                return;
            }
            if self.tag_at(ix).is_special() {
                return;
            }
        }
    }
}

fn tag_of(name: &[u8]) -> Tag {
    if name.len() > 10 {
        return Tag::Other;
    }
    let mut lower = [0u8; 10];
    for (slot, &b) in lower.iter_mut().zip(name) {
        *slot = b.to_ascii_lowercase();
    }
    Tag::from_lowercase(&lower[..name.len()])
}

/// A tag name starting at `at`: up to whitespace, `/` or `>`.
fn read_name(bytes: &[u8], at: usize) -> (&[u8], usize) {
    let mut end = at;
    while end < bytes.len() && !is_ascii_space(bytes[end]) && !matches!(bytes[end], b'/' | b'>') {
        end += 1;
    }
    (&bytes[at..end], end)
}

/// Skips a comment, doctype, CDATA section or processing instruction starting
/// at `lt`; returns the offset after it.
fn skip_markup_declaration(bytes: &[u8], lt: usize) -> usize {
    let rest = &bytes[lt..];
    if rest.starts_with(b"<!--") {
        return memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |i| lt + 4 + i + 3);
    }
    if rest.starts_with(b"<![CDATA[") {
        return memmem::find(rest, b"]]>").map_or(bytes.len(), |i| lt + i + 3);
    }
    memchr::memchr(b'>', rest).map_or(bytes.len(), |i| lt + i + 1)
}

/// Finds `</name` (case-insensitive, followed by a delimiter) at or after
/// `from`: returns where the text ends and where parsing resumes.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(offset) = memmem::find(&bytes[at..], b"</") {
        let open = at + offset;
        let after = open + 2 + name.len();
        if after <= bytes.len()
            && bytes[open + 2..after].eq_ignore_ascii_case(name)
            && bytes
                .get(after)
                .is_none_or(|&b| is_ascii_space(b) || b == b'>' || b == b'/')
        {
            let resume =
                memchr::memchr(b'>', &bytes[after..]).map_or(bytes.len(), |i| after + i + 1);
            return Some((open, resume));
        }
        at = open + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of the tree for assertions: `tag(children)`, text in quotes.
    fn render(dom: &Dom<'_>, ix: Ix) -> String {
        let mut out = String::new();
        for child in dom.children(ix) {
            if let Some(text) = dom.text(child) {
                out.push_str(&format!("{text:?}"));
            } else {
                out.push_str(&dom.tag_name(child));
                let inner = render(dom, child);
                if !inner.is_empty() {
                    out.push_str(&format!("({inner})"));
                }
            }
            out.push(' ');
        }
        out.trim_end().to_string()
    }

    fn body(html: &str) -> String {
        let dom = Dom::parse(html);
        render(&dom, dom.body())
    }

    #[test]
    fn paragraphs_close_each_other_and_blocks_close_paragraphs() {
        assert_eq!(
            body("<p>one<p>two<div>three</div>"),
            r#"p("one") p("two") div("three")"#
        );
    }

    #[test]
    fn list_items_and_cells_close_implicitly() {
        assert_eq!(body("<ul><li>a<li>b</ul>"), r#"ul(li("a") li("b"))"#);
        assert_eq!(
            body("<table><tr><td>a<td>b<tr><td>c</table>"),
            r#"table(tr(td("a") td("b")) tr(td("c")))"#
        );
    }

    #[test]
    fn inline_end_tags_do_not_close_blocks() {
        assert_eq!(
            body("<div><span>a<p>b</span>c</p></div>"),
            r#"div(span("a" p("b" "c")))"#
        );
    }

    #[test]
    fn stray_end_tags_are_ignored() {
        assert_eq!(body("</div>a</span><p>b</p></p>"), r#""a" p("b")"#);
    }

    #[test]
    fn raw_text_elements_keep_markup_as_text() {
        let dom = Dom::parse("<body><script>if (a < b) { x = '</div>'; }</script><p>after</p>");
        let body = dom.body();
        let script = dom.children(body).next().unwrap();
        assert_eq!(dom.tag(script), Some(Tag::Script));
        // Only `</script` ends a script: the `</div>` inside is script text.
        assert_eq!(dom.text_content(script), "if (a < b) { x = '</div>'; }");
        assert!(
            render(&dom, body).contains(r#"p("after")"#),
            "{}",
            render(&dom, body)
        );
    }

    #[test]
    fn head_content_goes_to_head_and_text_opens_body() {
        let dom = Dom::parse("<title>T &amp; U</title><meta name=a content=b>Hello");
        let head = dom.children(dom.html()).next().unwrap();
        assert_eq!(render(&dom, head), r#"title("T & U") meta"#);
        assert_eq!(render(&dom, dom.body()), r#""Hello""#);
        let meta = dom.children(head).nth(1).unwrap();
        assert_eq!(dom.attr(meta, "NAME"), Some("a"));
        assert_eq!(dom.attr(meta, "content"), Some("b"));
    }

    #[test]
    fn attributes_in_all_quotings() {
        let dom = Dom::parse(r#"<div a="1 > 2" b='x' c=y d>t</div>"#);
        let div = dom.children(dom.body()).next().unwrap();
        assert_eq!(dom.attr(div, "a"), Some("1 > 2"));
        assert_eq!(dom.attr(div, "b"), Some("x"));
        assert_eq!(dom.attr(div, "c"), Some("y"));
        assert_eq!(dom.attr(div, "d"), Some(""));
        assert_eq!(dom.text_content(div), "t");
    }

    #[test]
    fn comments_doctypes_and_lone_brackets() {
        assert_eq!(
            body("<!DOCTYPE html><!-- c --><p>a < b <3</p>"),
            r#"p("a < b <3")"#
        );
    }

    #[test]
    fn deep_nesting_is_flattened_not_recursed() {
        let html = "<div>".repeat(10_000) + "deep" + &"</div>".repeat(10_000);
        let dom = Dom::parse(&html);
        let depth = dom
            .descendants(dom.body())
            .map(|n| dom.ancestors(n).count())
            .max()
            .unwrap();
        assert!(depth <= MAX_DEPTH + 2, "{depth}");
        assert!(dom.text_content(dom.body()).contains("deep"));
    }

    #[test]
    fn truncated_markup_never_panics() {
        for html in [
            "<",
            "<p",
            "<p class=\"x",
            "<!--",
            "</",
            "<script>",
            "<a href='x'",
            "<p>a</p",
            "<ta",
        ] {
            let dom = Dom::parse(html);
            let _ = render(&dom, dom.body());
        }
    }
}
