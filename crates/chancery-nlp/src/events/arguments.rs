//! Source and target of an event from the dependency parse of its sentence.
//!
//! The source is the agent of the trigger's predicate and the target its
//! patient or recipient: the subject, the object, the "by" phrase of a
//! passive, a "with", "to" or "against" phrase. Controlled verbs take their
//! subject from the verb that controls them ("agreed to meet"), conjoined
//! verbs from their first conjunct, and a noun trigger ("talks with Iraq")
//! from the verb it is the object of or its possessor ("Putin's visit").
//! Everything is looked up within the trigger's own clause, so a relative or
//! subordinate clause is its own clause.

use crate::syntax::{DepRel, Parse, Upos};
use std::borrow::Cow;

/// Prepositions that mark who an act is aimed at.
const TARGET_CASES: &[&str] = &[
    "with", "to", "against", "on", "at", "toward", "towards", "into", "upon", "from", "between",
    "for", "of",
];

/// Source and target heads of an event (indexes within the sentence), with
/// coordinated heads ("Israel and Syria") listed after the first.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Arguments {
    /// Who acts.
    pub sources: Vec<usize>,
    /// Who is acted upon.
    pub targets: Vec<usize>,
    /// The speaker of a verb of saying that governs the trigger.
    pub reporter: Option<usize>,
    /// The trigger sits in a relative clause (background about an actor).
    pub relative: bool,
    /// The trigger is a participle or infinitive modifying a noun ("observers
    /// travelling to Tubmanburg", "a soldier abducted by Hamas"): a relative
    /// clause without its pronoun.
    pub reduced_relative: bool,
    /// The trigger is a verb in the passive ("was arrested"): its subject is
    /// the target, and the source only a "by" phrase names.
    pub passive: bool,
}

/// The children of every word, in order.
pub(crate) fn children(parse: &Parse) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); parse.heads.len()];
    for (i, head) in parse.heads.iter().enumerate() {
        if let Some(h) = head {
            if *h < out.len() {
                out[*h].push(i);
            }
        }
    }
    out
}

/// Mends one error the parser makes over a reduced relative clause: in "A
/// gunman being hunted on the North Shore was captured by police" it takes
/// the participle for the clause's verb, with the noun as its subject, and
/// leaves the finite verb after it without one. A finite verb with no
/// subject, after a participle whose subject precedes it and that has no
/// finite auxiliary of its own, takes that subject; the participle becomes
/// what it is, a clause on the noun.
pub(crate) fn mend_reduced_relatives(parse: &mut Parse, words: &[&str]) {
    let n = parse.heads.len().min(words.len()).min(parse.deprels.len());
    let lower: Vec<String> = words[..n].iter().map(|w| w.to_lowercase()).collect();
    let mut kids = children(parse);
    for verb in 0..n {
        let Some((participle, subject)) = reduced_relative_before(parse, &kids, &lower, verb)
        else {
            continue;
        };
        let passive = kids[verb]
            .iter()
            .any(|&c| parse.deprels[c] == DepRel::AuxPass);
        if parse.heads[verb] == Some(participle) {
            parse.heads[verb] = parse.heads[participle];
            parse.deprels[verb] = parse.deprels[participle];
            // What hung on the participle after the verb is the verb's.
            for k in verb + 1..n {
                if parse.heads[k] == Some(participle) {
                    parse.heads[k] = Some(verb);
                }
            }
        }
        parse.heads[subject] = Some(verb);
        parse.deprels[subject] = if passive {
            DepRel::NsubjPass
        } else {
            DepRel::Nsubj
        };
        parse.heads[participle] = Some(subject);
        parse.deprels[participle] = DepRel::Acl;
        kids = children(parse);
    }
}

/// The participle and its subject when `verb` is a finite verb left
/// without a subject by a reduced relative clause before it (see
/// [`mend_reduced_relatives`]).
fn reduced_relative_before(
    parse: &Parse,
    kids: &[Vec<usize>],
    lower: &[String],
    verb: usize,
) -> Option<(usize, usize)> {
    let rel = |k: usize| parse.deprels[k];
    if parse.upos[verb] != Upos::Verb
        || kids[verb].iter().any(|&c| {
            matches!(
                rel(c),
                DepRel::Nsubj | DepRel::NsubjPass | DepRel::Csubj | DepRel::Expl
            )
        })
    {
        return None;
    }
    let aux = kids[verb]
        .iter()
        .copied()
        .find(|&c| matches!(rel(c), DepRel::Aux | DepRel::AuxPass) && c < verb)?;
    if !matches!(
        lower[aux].as_str(),
        "was" | "were" | "is" | "are" | "has" | "have" | "had"
    ) {
        return None;
    }
    // The participle: the nearest verb before the auxiliary.
    let participle = (0..aux).rev().find(|&k| parse.upos[k] == Upos::Verb)?;
    let own_auxiliaries: Vec<usize> = kids[participle]
        .iter()
        .copied()
        .filter(|&c| matches!(rel(c), DepRel::Aux | DepRel::AuxPass))
        .collect();
    let participial = own_auxiliaries.iter().all(|&c| lower[c] == "being")
        && (lower[participle].ends_with("ed")
            || lower[participle].ends_with("en")
            || !own_auxiliaries.is_empty());
    let subject = kids[participle]
        .iter()
        .copied()
        .find(|&c| matches!(rel(c), DepRel::Nsubj | DepRel::NsubjPass) && c < participle)?;
    // Nothing between the participle and the auxiliary opens a clause of
    // its own.
    let clean = (participle + 1..aux).all(|k| {
        !matches!(
            rel(k),
            DepRel::Nsubj | DepRel::NsubjPass | DepRel::Mark | DepRel::Cc
        ) && parse.upos[k] != Upos::Verb
    });
    let related = parse.heads[verb] == Some(participle)
        || parse.heads[verb].is_some() && parse.heads[verb] == parse.heads[participle];
    (participial && clean && related).then_some((participle, subject))
}

/// Parses one sentence for the event coder: the tree, mended where the
/// parser is known to go wrong, and the children of every word.
pub(crate) fn parse_sentence(
    model: &crate::syntax::SyntaxModel,
    words: &[&str],
    names: &[bool],
) -> (Parse, Vec<Vec<usize>>) {
    let mut parse = model.parse_with_names(words, names);
    mend_reduced_relatives(&mut parse, words);
    let kids = children(&parse);
    (parse, kids)
}

/// The first word of the subtree under `k` (its leftmost descendant).
pub(crate) fn leftmost(kids: &[Vec<usize>], k: usize) -> usize {
    let mut first = k;
    let mut stack = vec![k];
    // A parse is a tree, but a bound keeps a malformed one from looping.
    let mut budget = kids.len();
    while let Some(j) = stack.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        first = first.min(j);
        stack.extend(kids[j].iter().copied());
    }
    first
}

/// Finds the arguments of the trigger at `trigger` (its first word).
pub(crate) fn arguments(
    parse: &Parse,
    kids: &[Vec<usize>],
    words: &[&str],
    trigger: usize,
    trigger_len: usize,
    noun: bool,
) -> Arguments {
    let n = parse.heads.len();
    let mut args = Arguments::default();
    if trigger >= n {
        return args;
    }
    // The head of a multiword trigger is the word whose head lies outside it.
    let inside = |k: usize| (trigger..trigger + trigger_len).contains(&k);
    let head = (trigger..(trigger + trigger_len).min(n))
        .find(|&k| parse.heads[k].is_none_or(|h| !inside(h)))
        .unwrap_or(trigger);
    let rel = |k: usize| parse.deprels[k];
    let case_of = |k: usize| {
        kids[k]
            .iter()
            .find(|&&c| rel(c) == DepRel::Case)
            .map(|&c| words[c].to_lowercase())
    };
    let child =
        |k: usize, wanted: &[DepRel]| kids[k].iter().copied().find(|&c| wanted.contains(&rel(c)));

    let mut predicate = head;
    if noun || parse.upos[head] == Upos::Noun {
        // "Putin's visit to Iran": the possessor acts.
        if let Some(owner) = child(head, &[DepRel::NmodPoss]) {
            args.sources.push(owner);
        }
        for &c in &kids[head] {
            if matches!(rel(c), DepRel::Nmod) {
                let case = case_of(c);
                if case
                    .as_deref()
                    .is_some_and(|p| TARGET_CASES.contains(&p) && p != "of")
                {
                    args.targets.push(c);
                    break;
                }
                if case.as_deref() == Some("by") && args.sources.is_empty() {
                    args.sources.push(c);
                }
            }
        }
        // The verb the noun is the object of ("held talks with", "made a
        // visit to") supplies the subject.
        if let Some(h) = parse.heads[head] {
            if matches!(
                rel(head),
                DepRel::Obj | DepRel::Nsubj | DepRel::NsubjPass | DepRel::Obl
            ) {
                predicate = h;
            }
        }
        if args.sources.is_empty() {
            if rel(head) == DepRel::Nsubj {
                // "Talks between A and B were going well".
            } else if let Some(s) = child(predicate, &[DepRel::Nsubj]) {
                if s != head {
                    args.sources.push(s);
                }
            }
        }
    } else {
        // A bare infinitive or a gerund is never a passive, whatever the
        // parse says ("was due to fly to Washington" is Chamorro flying).
        let base_form = words[head].to_lowercase().ends_with("ing")
            || head > 0
                && matches!(
                    words[head - 1].to_lowercase().as_str(),
                    "to" | "will"
                        | "would"
                        | "can"
                        | "could"
                        | "may"
                        | "might"
                        | "must"
                        | "shall"
                        | "should"
                );
        let passive = !base_form
            && (child(head, &[DepRel::NsubjPass]).is_some()
                || kids[head].iter().any(|&c| rel(c) == DepRel::AuxPass));
        args.passive = passive;
        // "Accusing Netanyahu of stupidity, Arafat launched ...": the
        // object of a fronted participle may be parsed as a second subject
        // of the verb after the comma.
        if rel(head) == DepRel::Advcl && !passive {
            if let Some(verb) = parse.heads[head].filter(|&h| h > head) {
                if let Some(comma) = (head + 1..verb).find(|&k| words[k] == ",") {
                    // The verb's subjects, and what the parse coordinated
                    // with them across the comma ("Museveni ..., Moi").
                    let subjects: Vec<usize> = kids[verb]
                        .iter()
                        .copied()
                        .filter(|&c| rel(c) == DepRel::Nsubj)
                        .flat_map(|c| {
                            std::iter::once(c)
                                .chain(kids[c].iter().copied().filter(|&j| rel(j) == DepRel::Conj))
                        })
                        .collect();
                    let subject_of_verb = |range: std::ops::Range<usize>| {
                        subjects.iter().copied().find(|c| range.contains(c))
                    };
                    if let (Some(object), Some(subject)) = (
                        subject_of_verb(head + 1..comma),
                        subject_of_verb(comma + 1..verb),
                    ) {
                        args.targets.push(object);
                        args.sources.push(subject);
                    }
                }
            }
        }
        let relative_pronoun =
            |k: usize| matches!(words[k].to_lowercase().as_str(), "which" | "who" | "that");
        for &c in &kids[head] {
            match rel(c) {
                // "Hungary, which criticised Slovenia": the relativized noun acts.
                DepRel::Nsubj if relative_pronoun(c) && rel(head) == DepRel::AclRelcl => {
                    if let Some(h) = parse.heads[head] {
                        args.sources.push(h);
                    }
                }
                // A passive's subject is its patient, whichever label the
                // parser gave it.
                DepRel::Nsubj if passive => args.targets.push(c),
                DepRel::Nsubj => args.sources.push(c),
                DepRel::NsubjPass if !passive => args.sources.push(c),
                DepRel::NsubjPass => args.targets.push(c),
                DepRel::Obl | DepRel::OblAgent
                    if passive && case_of(c).as_deref() == Some("by") =>
                {
                    args.sources.push(c)
                }
                _ => {}
            }
        }
        if !passive {
            if let Some(o) = child(head, &[DepRel::Obj, DepRel::Iobj]) {
                args.targets.push(o);
            }
        }
        if args.targets.is_empty() {
            let obl = kids[head].iter().copied().find(|&c| {
                matches!(rel(c), DepRel::Obl)
                    && case_of(c)
                        .as_deref()
                        .is_some_and(|p| TARGET_CASES.contains(&p) && p != "of" && p != "for")
            });
            if let Some(o) = obl {
                args.targets.push(o);
            }
        }
        // A verb with no subject of its own takes one from the verb that
        // controls it ("agreed to meet"), its first conjunct ("met and
        // signed"), or the noun a participle modifies ("forces sent by").
        let mut k = head;
        let mut hops = 0;
        while args.sources.is_empty() && hops < 4 {
            hops += 1;
            let Some(h) = parse.heads[k] else { break };
            let infinitive = k > 0 && words[k - 1].eq_ignore_ascii_case("to");
            // "China protested after Japanese ministers visited a shrine":
            // the parse may hang the clause's subject on the preposition
            // before it, leaving a finite verb without one.
            let subject_before = (k > 0
                && rel(k) == DepRel::Advcl
                && !infinitive
                && !words[k].to_lowercase().ends_with("ing")
                && matches!(parse.upos[k - 1], Upos::Noun | Upos::Propn))
            .then(|| {
                let mut np = k - 1;
                // Up to the head of the noun phrase ending before the verb.
                while let Some(up) = parse.heads[np].filter(|&u| u < k && u > np) {
                    np = up;
                }
                matches!(
                    case_of(np).as_deref(),
                    Some(
                        "after"
                            | "before"
                            | "since"
                            | "until"
                            | "while"
                            | "when"
                            | "as"
                            | "because"
                    )
                )
                .then_some(np)
            })
            .flatten();
            if let Some(subject) = subject_before {
                args.sources.push(subject);
                break;
            }
            // "X will be the first leader to meet Y": the infinitive on a
            // predicate noun is its subject's act.
            if infinitive
                && matches!(rel(k), DepRel::Advcl | DepRel::Acl)
                && child(h, &[DepRel::Cop]).is_some()
            {
                if let Some(s) = child(h, &[DepRel::Nsubj]) {
                    args.sources.push(s);
                    break;
                }
            }
            match rel(k) {
                // "Eritrea cut ties with Sudan, accusing it of ...": a
                // participle adjunct without a subject shares its verb's,
                // also after a preposition ("flew in after meeting Dostum").
                DepRel::Advcl
                    if kids[k].iter().all(|&c| rel(c) != DepRel::Mark)
                        || words[k].to_lowercase().ends_with("ing") =>
                {
                    if let Some(s) = child(h, &[DepRel::Nsubj]) {
                        args.sources.push(s);
                    }
                    k = h;
                }
                DepRel::Xcomp | DepRel::Conj => {
                    if let Some(s) = child(h, &[DepRel::Nsubj]) {
                        args.sources.push(s);
                    } else if rel(k) == DepRel::Xcomp {
                        // "asked Iraq to stop": the object of the controller.
                        if let Some(o) = child(h, &[DepRel::Obj]) {
                            args.sources.push(o);
                        }
                    }
                    k = h;
                }
                DepRel::Acl if passive => {
                    args.targets.push(h);
                    break;
                }
                DepRel::AclRelcl => {
                    args.relative = true;
                    // The relativized noun is the subject unless the
                    // clause has its own.
                    args.sources.push(h);
                    break;
                }
                _ => break,
            }
        }
    }
    // A verb coordinated with a clause's first verb is in that clause:
    // "Stevanin, arrested in 1994 and jailed for three years, ..." is
    // background twice.
    // So is a verb its clause's verb controls: "militants who tried to
    // kill Mubarak" is background about the militants.
    let mut clause_head = head;
    while matches!(rel(clause_head), DepRel::Conj | DepRel::Xcomp) {
        match parse.heads[clause_head] {
            Some(h) => clause_head = h,
            None => break,
        }
    }
    if matches!(rel(clause_head), DepRel::AclRelcl) {
        args.relative = true;
    }
    if matches!(rel(clause_head), DepRel::Acl) {
        args.reduced_relative = true;
    }
    // The speaker of a verb of saying above the trigger.
    let mut k = head;
    for _ in 0..4 {
        let Some(h) = parse.heads[k] else { break };
        if matches!(rel(k), DepRel::Ccomp | DepRel::Parataxis) {
            args.reporter = child(h, &[DepRel::Nsubj]);
            break;
        }
        k = h;
    }
    let nominal_conj = |c: usize| {
        rel(c) == DepRel::Conj && matches!(parse.upos[c], Upos::Propn | Upos::Noun | Upos::Pron)
    };
    // Coordinated heads, also coordinated with each other ("India, Sri
    // Lanka, Japan and Mongolia" may chain).
    let expand = |list: &mut Vec<usize>| {
        let mut k = 0;
        while k < list.len() && list.len() < 16 {
            let extra: Vec<usize> = kids[list[k]]
                .iter()
                .copied()
                .filter(|&c| nominal_conj(c) && !list.contains(&c))
                .collect();
            list.extend(extra);
            k += 1;
        }
    };
    // "visit India, Sri Lanka and Japan": a parse may coordinate the
    // object's conjuncts with the verb itself; nouns coordinated with the
    // verb after its object are more objects.
    if let Some(&object) = args.targets.first() {
        if !args.passive && object > head {
            let more: Vec<usize> = kids[head]
                .iter()
                .copied()
                .filter(|&c| {
                    c > object
                        && nominal_conj(c)
                        && kids[c].iter().all(|&g| rel(g) != DepRel::Nsubj)
                })
                .collect();
            args.targets.extend(more);
        }
    }
    expand(&mut args.sources);
    expand(&mut args.targets);
    args.targets.retain(|t| !args.sources.contains(t));
    args
}

/// Whether word `at` acts inside an adverbial clause that sets the scene
/// for the sentence's news ("since he began fighting Rabbani", "when Iraq
/// invaded Kuwait"): told as background, as the annotators code it.
pub(super) fn in_time_clause(
    parse: &Parse,
    kids: &[Vec<usize>],
    lower: &[Cow<'_, str>],
    at: usize,
) -> bool {
    let mut k = at;
    // Up through the verbs that carry the act ("began fighting").
    for _ in 0..4 {
        if parse.deprels[k] == DepRel::Advcl {
            return kids[k].iter().any(|&c| {
                parse.deprels[c] == DepRel::Mark
                    && matches!(lower[c].as_ref(), "since" | "when" | "until")
            });
        }
        if !matches!(parse.deprels[k], DepRel::Xcomp | DepRel::Conj) {
            return false;
        }
        match parse.heads[k] {
            Some(h) => k = h,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parse from (upos, head, relation) rows.
    fn tree(rows: &[(Upos, Option<usize>, DepRel)]) -> Parse {
        Parse {
            upos: rows.iter().map(|r| r.0).collect(),
            heads: rows.iter().map(|r| r.1).collect(),
            deprels: rows.iter().map(|r| r.2).collect(),
        }
    }

    #[test]
    fn a_finite_verb_after_a_reduced_relative_takes_the_noun() {
        use DepRel as D;
        use Upos as U;
        // "A gunman being hunted was captured by police ." as the parser
        // gets it: "hunted" the root, "captured" an adverbial clause on it.
        let words = [
            "A", "gunman", "being", "hunted", "was", "captured", "by", "police", ".",
        ];
        let mut parse = tree(&[
            (U::Det, Some(1), D::Det),
            (U::Noun, Some(3), D::Nsubj),
            (U::Aux, Some(3), D::AuxPass),
            (U::Verb, None, D::Root),
            (U::Aux, Some(5), D::AuxPass),
            (U::Verb, Some(3), D::Advcl),
            (U::Adp, Some(7), D::Case),
            (U::Noun, Some(5), D::OblAgent),
            (U::Punct, Some(3), D::Punct),
        ]);
        mend_reduced_relatives(&mut parse, &words);
        assert_eq!(parse.heads[5], None);
        assert_eq!(parse.deprels[5], D::Root);
        assert_eq!((parse.heads[1], parse.deprels[1]), (Some(5), D::NsubjPass));
        assert_eq!((parse.heads[3], parse.deprels[3]), (Some(1), D::Acl));
        assert_eq!(parse.heads[8], Some(5));
        let args = arguments(&parse, &children(&parse), &words, 5, 1, false);
        assert_eq!(args.targets, vec![1]);
        assert_eq!(args.sources, vec![7]);
    }

    #[test]
    fn a_clause_with_its_own_subject_is_left_alone() {
        use DepRel as D;
        use Upos as U;
        // "Police arrested him and he was charged ." : "was charged" has a
        // subject; nothing moves.
        let words = [
            "Police", "arrested", "him", "and", "he", "was", "charged", ".",
        ];
        let rows = [
            (U::Noun, Some(1), D::Nsubj),
            (U::Verb, None, D::Root),
            (U::Pron, Some(1), D::Obj),
            (U::Cconj, Some(6), D::Cc),
            (U::Pron, Some(6), D::NsubjPass),
            (U::Aux, Some(6), D::AuxPass),
            (U::Verb, Some(1), D::Conj),
            (U::Punct, Some(1), D::Punct),
        ];
        let mut parse = tree(&rows);
        mend_reduced_relatives(&mut parse, &words);
        assert_eq!(parse, tree(&rows));
    }
}
