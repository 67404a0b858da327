//! Copyable views of [`Dom`] nodes: a node, an element, an element handle.
//! They let tree-walking code (the metadata reader) read like ordinary DOM
//! code while the tree stays a flat arena.

use super::dom::{Dom, Ix, Kind, NONE};

/// A node of a parsed page.
#[derive(Clone, Copy)]
pub(crate) struct NodeRef<'d> {
    dom: &'d Dom<'d>,
    ix: Ix,
}

/// What a node holds.
pub(crate) enum Node<'d> {
    /// Text, entities decoded.
    Text(&'d str),
    /// An element.
    Element(Element<'d>),
    /// The document root.
    Document,
}

impl<'d> Node<'d> {
    /// The element, if this is one.
    pub(crate) fn as_element(&self) -> Option<Element<'d>> {
        match self {
            Node::Element(e) => Some(*e),
            _ => None,
        }
    }
}

/// An element's name and attributes.
#[derive(Clone, Copy)]
pub(crate) struct Element<'d> {
    dom: &'d Dom<'d>,
    ix: Ix,
}

impl<'d> Element<'d> {
    /// The tag name, lower case for known tags (others as written).
    pub(crate) fn name(&self) -> &'d str {
        self.dom.tag_name_raw(self.ix)
    }

    /// An attribute's value, entities decoded.
    pub(crate) fn attr(&self, name: &str) -> Option<&'d str> {
        self.dom.attr(self.ix, name)
    }

    /// The class names.
    pub(crate) fn classes(&self) -> impl Iterator<Item = &'d str> {
        self.attr("class").unwrap_or("").split_ascii_whitespace()
    }

    /// The `id` attribute.
    pub(crate) fn id(&self) -> Option<&'d str> {
        self.attr("id")
    }
}

impl<'d> NodeRef<'d> {
    /// The node's index in its tree.
    pub(crate) fn id(&self) -> Ix {
        self.ix
    }

    /// What the node holds.
    pub(crate) fn value(&self) -> Node<'d> {
        match self.dom.node(self.ix).kind {
            Kind::Element { .. } => Node::Element(Element {
                dom: self.dom,
                ix: self.ix,
            }),
            Kind::Text { .. } => Node::Text(self.dom.text(self.ix).unwrap_or("")),
            Kind::Document => Node::Document,
        }
    }

    /// The parent.
    pub(crate) fn parent(&self) -> Option<NodeRef<'d>> {
        self.dom
            .parent(self.ix)
            .map(|ix| NodeRef { dom: self.dom, ix })
    }

    /// The children, in order.
    pub(crate) fn children(&self) -> impl Iterator<Item = NodeRef<'d>> + 'd {
        let dom = self.dom;
        dom.children(self.ix).map(move |ix| NodeRef { dom, ix })
    }

    /// This node and all below it, in document order.
    pub(crate) fn descendants(&self) -> impl Iterator<Item = NodeRef<'d>> + 'd {
        let dom = self.dom;
        dom.descendants(self.ix).map(move |ix| NodeRef { dom, ix })
    }

    /// The ancestors, nearest first.
    pub(crate) fn ancestors(&self) -> impl Iterator<Item = NodeRef<'d>> + 'd {
        let dom = self.dom;
        dom.ancestors(self.ix).map(move |ix| NodeRef { dom, ix })
    }

    /// The following siblings, nearest first.
    pub(crate) fn next_siblings(&self) -> impl Iterator<Item = NodeRef<'d>> + 'd {
        let dom = self.dom;
        let first = dom.node(self.ix).next_sibling;
        std::iter::successors((first != NONE).then_some(first), move |&ix| {
            let next = dom.node(ix).next_sibling;
            (next != NONE).then_some(next)
        })
        .map(move |ix| NodeRef { dom, ix })
    }
}

/// A node known to be an element.
#[derive(Clone, Copy)]
pub(crate) struct ElementRef<'d>(NodeRef<'d>);

impl<'d> ElementRef<'d> {
    /// The node as an element, if it is one.
    pub(crate) fn wrap(node: NodeRef<'d>) -> Option<ElementRef<'d>> {
        matches!(node.dom.node(node.ix).kind, Kind::Element { .. }).then_some(ElementRef(node))
    }

    /// The `<html>` element of a page.
    pub(crate) fn root(dom: &'d Dom<'d>) -> ElementRef<'d> {
        ElementRef(NodeRef {
            dom,
            ix: dom.html(),
        })
    }

    /// The element's name and attributes.
    pub(crate) fn value(&self) -> Element<'d> {
        Element {
            dom: self.0.dom,
            ix: self.0.ix,
        }
    }

    /// An attribute's value, entities decoded.
    pub(crate) fn attr(&self, name: &str) -> Option<&'d str> {
        self.0.dom.attr(self.0.ix, name)
    }

    /// The texts below the element, in order.
    pub(crate) fn text(&self) -> impl Iterator<Item = &'d str> + 'd {
        let dom = self.0.dom;
        dom.descendants(self.0.ix)
            .filter_map(move |ix| dom.text(ix))
    }
}

impl<'d> std::ops::Deref for ElementRef<'d> {
    type Target = NodeRef<'d>;

    fn deref(&self) -> &NodeRef<'d> {
        &self.0
    }
}
