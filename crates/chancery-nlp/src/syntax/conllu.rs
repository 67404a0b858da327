//! A reader for CoNLL-U treebanks (Universal Dependencies), enough for
//! training and scoring: forms, UPOS, heads and relations of the syntactic
//! words. Multiword-token lines (`1-2`) are skipped in favour of the words
//! they contain, and empty nodes (`1.1`) of enhanced graphs are skipped.

use super::{DepRel, Parse, Upos};

/// One annotated sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// Word forms.
    pub words: Vec<String>,
    /// Gold part of speech.
    pub upos: Vec<Upos>,
    /// Gold heads (index into the sentence; `None` for the root).
    pub heads: Vec<Option<usize>>,
    /// Gold relations.
    pub deprels: Vec<DepRel>,
}

/// Parses CoNLL-U text; errors carry a 1-based line number and a problem.
pub fn parse(text: &str) -> Result<Vec<Sentence>, (usize, String)> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
    let mut start_line = 1;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.words.is_empty() {
                check(&current).map_err(|p| (start_line, p))?;
                sentences.push(std::mem::take(&mut current));
            }
            start_line = number + 2;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let error = |problem: String| (number + 1, problem);
        if fields.len() != 10 {
            return Err(error(format!(
                "expected 10 tab-separated fields, found {}",
                fields.len()
            )));
        }
        let id = fields[0];
        if id.contains('-') || id.contains('.') {
            continue;
        }
        let id: usize = id
            .parse()
            .map_err(|_| error(format!("bad word id {id:?}")))?;
        if id != current.words.len() + 1 {
            return Err(error(format!(
                "word id {id} out of sequence (expected {})",
                current.words.len() + 1
            )));
        }
        let upos = Upos::from_name(fields[3])
            .ok_or_else(|| error(format!("unknown UPOS {:?}", fields[3])))?;
        let head: usize = fields[6]
            .parse()
            .map_err(|_| error(format!("bad head {:?}", fields[6])))?;
        let deprel = DepRel::from_name(fields[7])
            .ok_or_else(|| error(format!("unknown relation {:?}", fields[7])))?;
        current.words.push(fields[1].to_string());
        current.upos.push(upos);
        current.heads.push(head.checked_sub(1));
        current.deprels.push(deprel);
    }
    if !current.words.is_empty() {
        check(&current).map_err(|p| (start_line, p))?;
        sentences.push(current);
    }
    Ok(sentences)
}

/// A sentence's heads must be in range and give exactly one root.
fn check(sentence: &Sentence) -> Result<(), String> {
    let n = sentence.words.len();
    if let Some(h) = sentence.heads.iter().flatten().find(|&&h| h >= n) {
        return Err(format!("head {} is beyond the sentence's {n} words", h + 1));
    }
    let roots = sentence.heads.iter().filter(|h| h.is_none()).count();
    if roots != 1 {
        return Err(format!("sentence has {roots} roots, expected one"));
    }
    Ok(())
}

/// Tagging and attachment scores of parses against a treebank, over every
/// word, punctuation included (as the CoNLL 2018 shared task scored).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// Words scored.
    pub words: usize,
    /// Share of words with the right UPOS.
    pub upos: f64,
    /// Unlabeled attachment: share of words with the right head.
    pub uas: f64,
    /// Labeled attachment: right head and right relation, subtypes ignored
    /// (the CoNLL 2018 definition).
    pub las: f64,
    /// Labeled attachment with subtypes compared too (`nsubj:pass` ≠ `nsubj`).
    pub las_subtyped: f64,
}

/// Scores `predicted` against `gold`, sentence by sentence; a predicted
/// sentence of another length counts its words as wrong.
pub fn score(gold: &[Sentence], predicted: &[Parse]) -> Scores {
    let (mut words, mut upos, mut uas, mut las, mut full) = (0usize, 0, 0, 0, 0);
    for (g, p) in gold.iter().zip(predicted) {
        words += g.words.len();
        if p.len() != g.words.len() {
            continue;
        }
        for i in 0..g.words.len() {
            upos += (g.upos[i] == p.upos[i]) as usize;
            if g.heads[i] == p.heads[i] {
                uas += 1;
                las += (g.deprels[i].base() == p.deprels[i].base()) as usize;
                full += (g.deprels[i] == p.deprels[i]) as usize;
            }
        }
    }
    let share = |k: usize| k as f64 / words.max(1) as f64;
    Scores {
        words,
        upos: share(upos),
        uas: share(uas),
        las: share(las),
        las_subtyped: share(full),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = "# sent_id = fixture-1\n\
# text = They didn't stop.\n\
1\tThey\tthey\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n\
2-3\tdidn't\t_\t_\t_\t_\t_\t_\t_\t_\n\
2\tdid\tdo\tAUX\tVBD\t_\t4\taux\t_\t_\n\
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n\
4\tstop\tstop\tVERB\tVB\t_\t0\troot\t_\t_\n\
4.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t4:conj\t_\n\
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\
\n\
1\tTalks\ttalk\tNOUN\tNNS\t_\t3\tnsubj:pass\t_\t_\n\
2\twere\tbe\tAUX\tVBD\t_\t3\taux:pass\t_\t_\n\
3\theld\thold\tVERB\tVBN\t_\t0\troot\t_\t_\n\
4\tTuesday\tTuesday\tPROPN\tNNP\t_\t3\tobl:tmod\t_\t_\n";

    #[test]
    fn reads_syntactic_words_and_skips_ranges_and_empty_nodes() {
        let sentences = parse(FIXTURE).unwrap();
        assert_eq!(sentences.len(), 2);
        let first = &sentences[0];
        assert_eq!(first.words, ["They", "did", "n't", "stop", "."]);
        assert_eq!(first.heads, [Some(3), Some(3), Some(3), None, Some(3)]);
        assert_eq!(first.upos[2], Upos::Part);
        assert_eq!(first.deprels[4], DepRel::Punct);
        let second = &sentences[1];
        assert_eq!(second.deprels[0], DepRel::NsubjPass);
        assert_eq!(second.deprels[3], DepRel::OblUnmarked);
    }

    #[test]
    fn scores_count_heads_and_base_relations() {
        let gold = parse(FIXTURE).unwrap();
        let mut predicted: Vec<Parse> = gold
            .iter()
            .map(|s| Parse {
                upos: s.upos.clone(),
                heads: s.heads.clone(),
                deprels: s.deprels.clone(),
            })
            .collect();
        // A subtype slip costs only the subtyped score; a wrong head costs both.
        predicted[1].deprels[0] = DepRel::Nsubj;
        predicted[1].heads[3] = Some(0);
        let scores = score(&gold, &predicted);
        assert_eq!(scores.words, 9);
        assert_eq!(scores.upos, 1.0);
        assert!((scores.uas - 8.0 / 9.0).abs() < 1e-9);
        assert!((scores.las - 8.0 / 9.0).abs() < 1e-9);
        assert!((scores.las_subtyped - 7.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn malformed_input_is_an_error_with_a_line() {
        assert_eq!(parse("1\tword\n").unwrap_err().0, 1);
        let bad_head = "1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n2\tb\tb\tNOUN\t_\t_\t7\tdep\t_\t_\n";
        assert!(parse(bad_head).unwrap_err().1.contains("beyond"));
        let two_roots = "1\ta\ta\tDET\t_\t_\t0\troot\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\troot\t_\t_\n";
        assert!(parse(two_roots).unwrap_err().1.contains("2 roots"));
        let bad_tag = "\n\n1\ta\ta\tFOO\t_\t_\t0\troot\t_\t_\n";
        assert_eq!(parse(bad_tag).unwrap_err().0, 3);
    }
}
