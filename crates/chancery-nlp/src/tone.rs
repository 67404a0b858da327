//! Document tone as the GDELT Global Knowledge Graph defines it (`V1.5TONE`):
//! the percentages of a text's words that a sentiment lexicon scores
//! positive and negative, their difference (the tone) and sum (polarity),
//! the percentage that name an action (activity reference density) and
//! that are personal pronouns (self/group reference density), and the
//! word count.
//!
//! Each language has its own word lists ([`LANGUAGES`]). Sentiment lexicons:
//! English is VADER's (MIT; `kb/tone_lexicon.tsv`, by
//! `bench/tone-lexicon.sh`); French, Dutch, Italian (Pattern), German
//! (Klenner et al.'s polarity lexicon via textblob-de), Portuguese (LeIA)
//! and Swedish (VADER translated) are `kb/tone_lexicon_<lang>.tsv`, by
//! `scripts/build_tone_lexicons.py`, whose headers give each licence;
//! 21 more languages have the project's own translations of VADER's
//! entries (`vader-<lang>`; each row names the English entries it
//! translates). A word counts by the sign of its valence, as GDELT counts
//! dictionary matches. Inflected forms reach a lemma through a Snowball
//! stemmer (Russian, Spanish, Arabic, Turkish, Hungarian, Romanian, Greek,
//! Danish, Norwegian, Finnish), an ending list (German, Dutch, Polish,
//! Ukrainian, Czech, Indonesian) or particles taken off the front
//! (Hebrew); Vietnamese entries span syllables; in Japanese, Chinese and
//! Korean, entries are found as substrings (`substring_matches`).
//! Action words are English only: every single-word verb form of the event
//! lexicon (`kb/event_lexicon.tsv`; the first word of a phrasal verb).
//! Pronoun lists are written here for the languages news comes in most.
//! A language without a list gets 0 for that measure (or no sentiment
//! values at all) and says so in `Tone::unmeasured`. All tables are
//! compiled in: this module does no I/O.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use chancery_model::{Tone, ToneMeasure};

/// The English sentiment lexicon: word, valence (-4 … +4).
const LEXICON: &str = include_str!("../kb/tone_lexicon.tsv");
/// The event lexicon, whose verb forms are the action words.
const EVENT_LEXICON: &str = include_str!("../kb/event_lexicon.tsv");

/// What tone knows of one language.
#[derive(Debug)]
pub struct Language {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// The sentiment lexicon's name (as `Tone::lexicon` gives it) and its
    /// table (`word`, `valence`; only the sign counts).
    lexicon: Option<(&'static str, &'static str)>,
    /// Personal pronouns, lower case (GDELT's self/group references).
    pronouns: &'static [&'static str],
    /// Whether the event lexicon's verbs are this language's action words.
    actions: bool,
    /// Whether an elided article or pronoun is a word of its own ("l'État",
    /// "dell'anno"): split at the apostrophe.
    elision: bool,
    /// Inflectional endings taken off a word the lexicon lacks, longest
    /// first, so that a declined adjective ("schlechten") finds its lemma.
    endings: &'static [&'static str],
    /// How both the lexicon's lemmas and the text's words are reduced to a
    /// stem, for a language that inflects too much for a list of forms.
    stemmer: Option<Stemming>,
    /// One-letter particles written onto the front of a word (Hebrew),
    /// taken off a word the lexicon lacks.
    prefixes: &'static [char],
    /// The most words a lexicon entry or pronoun may have (a language that
    /// writes a word as several syllables, Vietnamese); 1 elsewhere.
    phrase_words: usize,
    /// Whether the language is written without spaces between words, so
    /// that lexicon entries and pronouns are found as substrings of the text
    /// (longest first) rather than as words.
    unspaced: bool,
}

/// A way to reduce a word to its stem, applied alike to lexicon lemmas and
/// to the words of a text.
#[derive(Debug, Clone, Copy)]
enum Stemming {
    /// The Snowball stemmer of the language.
    Snowball(rust_stemmers::Algorithm),
    /// The longest of these endings that leaves a stem of four or more
    /// letters taken off (Polish, Ukrainian, Czech: no Snowball stemmer).
    Endings(&'static [&'static str]),
}

/// A [`Stemming`] ready to use.
enum Stemmer {
    Snowball(rust_stemmers::Stemmer),
    Endings(&'static [&'static str]),
}

impl Stemmer {
    fn new(stemming: Stemming) -> Stemmer {
        match stemming {
            Stemming::Snowball(algorithm) => {
                Stemmer::Snowball(rust_stemmers::Stemmer::create(algorithm))
            }
            Stemming::Endings(endings) => Stemmer::Endings(endings),
        }
    }

    /// The stem of a lower-case `word`.
    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match self {
            Stemmer::Snowball(stemmer) => stemmer.stem(word),
            Stemmer::Endings(endings) => endings
                .iter()
                .filter_map(|ending| word.strip_suffix(ending))
                .filter(|stem| stem.chars().count() >= 4)
                .min_by_key(|stem| stem.len())
                .unwrap_or(word)
                .into(),
        }
    }
}

impl Language {
    /// Whether the language has a sentiment lexicon (and so tone values).
    pub fn has_lexicon(&self) -> bool {
        self.lexicon.is_some()
    }
}

/// What the entries of [`LANGUAGES`] leave out: a language written with
/// spaces, whose words match the lexicon as they are.
const PLAIN: Language = Language {
    code: "",
    lexicon: None,
    pronouns: &[],
    actions: false,
    elision: false,
    endings: &[],
    stemmer: None,
    prefixes: &[],
    phrase_words: 1,
    unspaced: false,
};

/// The languages tone has word lists for.
pub const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        lexicon: Some(("vader", LEXICON)),
        pronouns: &[
            "i",
            "me",
            "my",
            "mine",
            "myself",
            "we",
            "us",
            "our",
            "ours",
            "ourselves",
            "you",
            "your",
            "yours",
            "yourself",
            "yourselves",
            "he",
            "him",
            "his",
            "himself",
            "she",
            "her",
            "hers",
            "herself",
            "it",
            "its",
            "itself",
            "they",
            "them",
            "their",
            "theirs",
            "themselves",
        ],
        actions: true,
        ..PLAIN
    },
    Language {
        code: "fr",
        lexicon: Some(("pattern-fr", include_str!("../kb/tone_lexicon_fr.tsv"))),
        pronouns: &[
            "je", "j", "me", "m", "moi", "mon", "ma", "mes", "mien", "mienne", "miens", "miennes",
            "nous", "notre", "nos", "nôtre", "nôtres", "tu", "te", "toi", "ton", "ta", "tes",
            "tien", "tienne", "vous", "votre", "vos", "vôtre", "vôtres", "il", "elle", "lui",
            "ils", "elles", "eux", "leur", "leurs", "son", "sa", "ses", "sien", "sienne", "soi",
        ],
        elision: true,
        ..PLAIN
    },
    Language {
        code: "de",
        lexicon: Some(("klenner-de", include_str!("../kb/tone_lexicon_de.tsv"))),
        pronouns: &[
            "ich", "mich", "mir", "mein", "meine", "meinen", "meinem", "meiner", "meines", "wir",
            "uns", "unser", "unsere", "unseren", "unserem", "unserer", "unseres", "du", "dich",
            "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines", "ihr", "euch", "euer",
            "eure", "euren", "eurem", "eurer", "eures", "er", "ihn", "ihm", "seine", "seinen",
            "seinem", "seiner", "seines", "sie", "ihre", "ihren", "ihrem", "ihrer", "ihres",
        ],
        endings: &["en", "em", "er", "es", "e", "n", "s"],
        ..PLAIN
    },
    Language {
        code: "nl",
        lexicon: Some(("pattern-nl", include_str!("../kb/tone_lexicon_nl.tsv"))),
        pronouns: &[
            "ik", "me", "mij", "mijn", "we", "wij", "ons", "onze", "jij", "je", "jou", "jouw",
            "jullie", "u", "uw", "hij", "hem", "ze", "zij", "haar", "hen", "hun",
        ],
        endings: &["en", "e", "s"],
        ..PLAIN
    },
    Language {
        code: "it",
        lexicon: Some(("pattern-it", include_str!("../kb/tone_lexicon_it.tsv"))),
        pronouns: &[
            "io", "me", "mi", "mio", "mia", "miei", "mie", "noi", "ci", "nostro", "nostra",
            "nostri", "nostre", "tu", "te", "ti", "tuo", "tua", "tuoi", "tue", "voi", "vi",
            "vostro", "vostra", "vostri", "vostre", "lui", "lei", "egli", "ella", "esso", "essa",
            "essi", "esse", "loro", "suo", "sua", "suoi", "sue",
        ],
        elision: true,
        ..PLAIN
    },
    Language {
        code: "pt",
        lexicon: Some(("leia-pt", include_str!("../kb/tone_lexicon_pt.tsv"))),
        pronouns: &[
            "eu", "me", "mim", "comigo", "meu", "minha", "meus", "minhas", "nós", "nos", "conosco",
            "nosso", "nossa", "nossos", "nossas", "tu", "te", "ti", "contigo", "teu", "tua",
            "teus", "tuas", "você", "vocês", "vos", "vosso", "vossa", "ele", "ela", "eles", "elas",
            "lhe", "lhes", "seu", "sua", "seus", "suas", "dele", "dela", "deles", "delas",
        ],
        ..PLAIN
    },
    Language {
        code: "sv",
        lexicon: Some(("vader-sv", include_str!("../kb/tone_lexicon_sv.tsv"))),
        pronouns: &[
            "jag", "mig", "mej", "min", "mitt", "mina", "vi", "oss", "vår", "vårt", "våra", "du",
            "dig", "dej", "din", "ditt", "dina", "ni", "er", "ert", "era", "han", "honom", "hans",
            "hon", "henne", "hennes", "dem", "deras",
        ],
        ..PLAIN
    },
    Language {
        code: "es",
        lexicon: Some(("vader-es", include_str!("../kb/tone_lexicon_es.tsv"))),
        pronouns: &[
            "yo", "me", "mí", "conmigo", "mi", "mis", "mío", "mía", "míos", "mías", "nosotros",
            "nosotras", "nos", "nuestro", "nuestra", "nuestros", "nuestras", "tú", "te", "ti",
            "contigo", "tu", "tus", "tuyo", "tuya", "usted", "ustedes", "vosotros", "vosotras",
            "os", "vuestro", "vuestra", "él", "ella", "ellos", "ellas", "le", "les", "su", "sus",
            "suyo", "suya",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Spanish)),
        ..PLAIN
    },
    Language {
        code: "ru",
        lexicon: Some(("vader-ru", include_str!("../kb/tone_lexicon_ru.tsv"))),
        pronouns: &[
            "я",
            "меня",
            "мне",
            "мной",
            "мой",
            "моя",
            "моё",
            "мои",
            "моего",
            "моей",
            "мы",
            "нас",
            "нам",
            "нами",
            "наш",
            "наша",
            "наше",
            "наши",
            "ты",
            "тебя",
            "тебе",
            "тобой",
            "твой",
            "твоя",
            "твоё",
            "твои",
            "вы",
            "вас",
            "вам",
            "вами",
            "ваш",
            "ваша",
            "ваше",
            "ваши",
            "он",
            "его",
            "ему",
            "им",
            "нём",
            "она",
            "её",
            "ей",
            "ней",
            "оно",
            "они",
            "их",
            "ими",
            "них",
            "ним",
            "него",
            "нему",
            "неё",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Russian)),
        ..PLAIN
    },
    Language {
        code: "pl",
        lexicon: Some(("vader-pl", include_str!("../kb/tone_lexicon_pl.tsv"))),
        pronouns: &[
            "ja", "mnie", "mi", "mną", "mój", "moja", "moje", "moi", "mojego", "mojej", "my",
            "nas", "nam", "nami", "nasz", "nasza", "nasze", "nasi", "ty", "ciebie", "cię", "tobie",
            "tobą", "twój", "twoja", "twoje", "wy", "was", "wam", "wami", "wasz", "wasza", "wasze",
            "on", "jego", "go", "jemu", "mu", "nim", "ona", "jej", "ją", "nią", "ono", "oni",
            "one", "ich", "im", "nimi", "nich",
        ],
        stemmer: Some(Stemming::Endings(POLISH_ENDINGS)),
        ..PLAIN
    },
    Language {
        code: "id",
        lexicon: Some(("vader-id", include_str!("../kb/tone_lexicon_id.tsv"))),
        pronouns: &[
            "saya", "aku", "kami", "kita", "kamu", "engkau", "anda", "kalian", "dia", "ia",
            "beliau", "mereka",
        ],
        // Enclitic particles and the possessive "-nya" ("kemenangannya").
        endings: &["nya", "lah", "kah", "pun"],
        ..PLAIN
    },
    Language {
        code: "ja",
        lexicon: Some(("vader-ja", include_str!("../kb/tone_lexicon_ja.tsv"))),
        // Found as substrings, so a one-kanji pronoun is written with the
        // particle that makes it one (彼 alone begins 彼岸, 私 begins 私立).
        pronouns: &[
            "私たち",
            "私達",
            "わたし",
            "わたくし",
            "僕ら",
            "我々",
            "われわれ",
            "あなた",
            "彼女",
            "彼ら",
            "彼等",
            "私は",
            "私が",
            "私の",
            "私も",
            "私に",
            "彼は",
            "彼が",
            "彼の",
            "彼も",
            "彼に",
            "僕は",
            "僕が",
            "僕の",
        ],
        unspaced: true,
        ..PLAIN
    },
    Language {
        code: "zh",
        lexicon: Some(("vader-zh", include_str!("../kb/tone_lexicon_zh.tsv"))),
        // Found as substrings of two or more characters: the plurals, and
        // the one-character pronouns with the possessive 的 (他 alone
        // begins 其他, "other").
        pronouns: &[
            "我们", "我們", "咱们", "咱們", "你们", "你們", "他们", "他們", "她们", "她們", "我的",
            "你的", "他的", "她的", "我国", "我國",
        ],
        unspaced: true,
        ..PLAIN
    },
    Language {
        code: "ko",
        lexicon: Some(("vader-ko", include_str!("../kb/tone_lexicon_ko.tsv"))),
        // Particles attach to words, so entries and pronouns are found as
        // substrings; the one-syllable pronouns with their particle.
        pronouns: &[
            "우리", "저희", "당신", "그들", "그녀", "나는", "내가", "나의", "저는", "제가", "그는",
            "그가", "너희",
        ],
        unspaced: true,
        ..PLAIN
    },
    Language {
        code: "ar",
        lexicon: Some(("vader-ar", include_str!("../kb/tone_lexicon_ar.tsv"))),
        pronouns: &[
            "أنا",
            "نحن",
            "أنت",
            "أنتِ",
            "أنتم",
            "أنتن",
            "أنتما",
            "هو",
            "هي",
            "هم",
            "هن",
            "هما",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Arabic)),
        ..PLAIN
    },
    Language {
        code: "tr",
        lexicon: Some(("vader-tr", include_str!("../kb/tone_lexicon_tr.tsv"))),
        pronouns: &[
            "ben", "beni", "bana", "bende", "benden", "benim", "biz", "bizi", "bize", "bizde",
            "bizden", "bizim", "sen", "seni", "sana", "senin", "siz", "sizi", "size", "sizin", "o",
            "onu", "ona", "onda", "ondan", "onun", "onlar", "onları", "onlara", "onların",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Turkish)),
        ..PLAIN
    },
    Language {
        code: "uk",
        lexicon: Some(("vader-uk", include_str!("../kb/tone_lexicon_uk.tsv"))),
        pronouns: &[
            "я",
            "мене",
            "мені",
            "мною",
            "мій",
            "моя",
            "моє",
            "мої",
            "ми",
            "нас",
            "нам",
            "нами",
            "наш",
            "наша",
            "наше",
            "наші",
            "ти",
            "тебе",
            "тобі",
            "тобою",
            "твій",
            "твоя",
            "твоє",
            "твої",
            "ви",
            "вас",
            "вам",
            "вами",
            "ваш",
            "ваша",
            "ваше",
            "ваші",
            "він",
            "його",
            "йому",
            "ним",
            "ньому",
            "вона",
            "її",
            "їй",
            "нею",
            "ній",
            "воно",
            "вони",
            "їх",
            "їм",
            "ними",
            "них",
        ],
        stemmer: Some(Stemming::Endings(UKRAINIAN_ENDINGS)),
        ..PLAIN
    },
    Language {
        code: "cs",
        lexicon: Some(("vader-cs", include_str!("../kb/tone_lexicon_cs.tsv"))),
        pronouns: &[
            "já", "mě", "mne", "mi", "mně", "mnou", "můj", "moje", "moji", "my", "nás", "nám",
            "námi", "náš", "naše", "naši", "ty", "tebe", "tě", "tobě", "ti", "tebou", "tvůj",
            "tvoje", "vy", "vás", "vám", "vámi", "váš", "vaše", "on", "jeho", "ho", "jemu", "mu",
            "něm", "jím", "ona", "její", "jí", "ní", "ono", "oni", "ony", "jich", "jim", "nich",
            "nim", "nimi",
        ],
        stemmer: Some(Stemming::Endings(CZECH_ENDINGS)),
        ..PLAIN
    },
    Language {
        code: "hu",
        lexicon: Some(("vader-hu", include_str!("../kb/tone_lexicon_hu.tsv"))),
        pronouns: &[
            "én", "engem", "nekem", "enyém", "mi", "minket", "nekünk", "miénk", "te", "téged",
            "neked", "tiéd", "ti", "titeket", "nektek", "tiétek", "ő", "őt", "neki", "övé", "ők",
            "őket", "nekik", "övék",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Hungarian)),
        ..PLAIN
    },
    Language {
        code: "ro",
        lexicon: Some(("vader-ro", include_str!("../kb/tone_lexicon_ro.tsv"))),
        pronouns: &[
            "eu", "mă", "mine", "mie", "îmi", "meu", "mea", "mei", "mele", "noi", "ne", "nouă",
            "ni", "nostru", "noastră", "noștri", "noastre", "tu", "te", "ține", "ție", "îți",
            "tău", "ta", "tăi", "tale", "voi", "vă", "vouă", "vostru", "voastră", "el", "ea",
            "lui", "ei", "ele", "lor", "îl", "îi",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Romanian)),
        ..PLAIN
    },
    Language {
        code: "el",
        lexicon: Some(("vader-el", include_str!("../kb/tone_lexicon_el.tsv"))),
        // Not του, της, τους: the genitive article as often as "his", "her".
        pronouns: &[
            "εγώ",
            "εμένα",
            "μου",
            "με",
            "εμείς",
            "εμάς",
            "μας",
            "εσύ",
            "εσένα",
            "σου",
            "σε",
            "εσείς",
            "εσάς",
            "σας",
            "αυτός",
            "αυτή",
            "αυτό",
            "αυτόν",
            "αυτού",
            "αυτής",
            "αυτοί",
            "αυτές",
            "αυτά",
            "αυτών",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Greek)),
        ..PLAIN
    },
    Language {
        code: "he",
        lexicon: Some(("vader-he", include_str!("../kb/tone_lexicon_he.tsv"))),
        // Not את: the object marker as often as "you".
        pronouns: &[
            "אני",
            "אנחנו",
            "אנו",
            "אתה",
            "אתם",
            "אתן",
            "הוא",
            "היא",
            "הם",
            "הן",
            "שלי",
            "שלנו",
            "שלך",
            "שלכם",
            "שלו",
            "שלה",
            "שלהם",
            "שלהן",
            "אותי",
            "אותנו",
            "אותך",
            "אותו",
            "אותה",
            "אותם",
            "אותן",
        ],
        prefixes: &['ו', 'ה', 'ב', 'ל', 'מ', 'ש', 'כ'],
        ..PLAIN
    },
    Language {
        code: "fa",
        lexicon: Some(("vader-fa", include_str!("../kb/tone_lexicon_fa.tsv"))),
        pronouns: &[
            "من",
            "ما",
            "تو",
            "شما",
            "او",
            "وی",
            "آنها",
            "ایشان",
            "آنان",
            "مرا",
            "ترا",
        ],
        ..PLAIN
    },
    Language {
        code: "hi",
        lexicon: Some(("vader-hi", include_str!("../kb/tone_lexicon_hi.tsv"))),
        pronouns: &[
            "मैं",
            "मुझे",
            "मुझको",
            "मेरा",
            "मेरी",
            "मेरे",
            "हम",
            "हमें",
            "हमको",
            "हमारा",
            "हमारी",
            "हमारे",
            "तुम",
            "तुम्हें",
            "तुम्हारा",
            "तुम्हारी",
            "तुम्हारे",
            "आप",
            "आपको",
            "आपका",
            "आपकी",
            "आपके",
            "वह",
            "वे",
            "उसे",
            "उसको",
            "उसका",
            "उसकी",
            "उसके",
            "उन्हें",
            "उनको",
            "उनका",
            "उनकी",
            "उनके",
        ],
        ..PLAIN
    },
    Language {
        code: "vi",
        lexicon: Some(("vader-vi", include_str!("../kb/tone_lexicon_vi.tsv"))),
        // Words are written as syllables with spaces between them, so entries and
        // pronouns of up to three syllables are matched whole ("tuyệt vời").
        pronouns: &[
            "tôi",
            "chúng tôi",
            "chúng ta",
            "chúng mình",
            "mình",
            "bạn",
            "các bạn",
            "anh ấy",
            "cô ấy",
            "ông ấy",
            "bà ấy",
            "họ",
            "nó",
        ],
        phrase_words: 3,
        ..PLAIN
    },
    Language {
        code: "da",
        lexicon: Some(("vader-da", include_str!("../kb/tone_lexicon_da.tsv"))),
        // Not "i" (you, plural) nor "de" (they): the preposition and the article.
        pronouns: &[
            "jeg", "mig", "min", "mit", "mine", "vi", "os", "vores", "du", "dig", "din", "dit",
            "dine", "jer", "jeres", "han", "ham", "hans", "hun", "hende", "hendes", "dem", "deres",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Danish)),
        ..PLAIN
    },
    Language {
        code: "nb",
        lexicon: Some(("vader-nb", include_str!("../kb/tone_lexicon_nb.tsv"))),
        // Not "de" (they): the article as well.
        pronouns: &[
            "jeg", "meg", "min", "mitt", "mine", "vi", "oss", "vår", "vårt", "våre", "du", "deg",
            "din", "ditt", "dine", "dere", "deres", "han", "ham", "hans", "hun", "henne", "hennes",
            "dem",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Norwegian)),
        ..PLAIN
    },
    Language {
        code: "fi",
        lexicon: Some(("vader-fi", include_str!("../kb/tone_lexicon_fi.tsv"))),
        pronouns: &[
            "minä", "minut", "minun", "minua", "minulla", "minulle", "me", "meidät", "meidän",
            "meitä", "meillä", "meille", "sinä", "sinut", "sinun", "sinua", "sinulle", "te",
            "teidät", "teidän", "teitä", "teille", "hän", "hänet", "hänen", "häntä", "hänelle",
            "he", "heidät", "heidän", "heitä", "heille",
        ],
        stemmer: Some(Stemming::Snowball(rust_stemmers::Algorithm::Finnish)),
        ..PLAIN
    },
];

/// Ukrainian inflectional endings, taken off as the Polish ones are.
const UKRAINIAN_ENDINGS: &[&str] = &[
    "уватися",
    "ується",
    "ування",
    "увати",
    "ували",
    "ювати",
    "ального",
    "ими",
    "іми",
    "ого",
    "ому",
    "ами",
    "ями",
    "ові",
    "еві",
    "ати",
    "яти",
    "ити",
    "іти",
    "уть",
    "ють",
    "ать",
    "ять",
    "ала",
    "ало",
    "али",
    "ила",
    "ило",
    "или",
    "ися",
    "ий",
    "ій",
    "им",
    "ім",
    "их",
    "іх",
    "ою",
    "ею",
    "ом",
    "ем",
    "ам",
    "ям",
    "ах",
    "ях",
    "ів",
    "їв",
    "ав",
    "ив",
    "ся",
    "а",
    "я",
    "е",
    "є",
    "у",
    "ю",
    "і",
    "ї",
    "о",
    "и",
];

/// Czech inflectional endings, taken off as the Polish ones are.
const CZECH_ENDINGS: &[&str] = &[
    "ování", "ovat", "ovala", "ovali", "ovalo", "ého", "ému", "ých", "ými", "ech", "ách", "ami",
    "emi", "ovi", "ují", "uje", "oval", "ém", "ým", "ou", "ům", "em", "at", "it", "et", "la", "lo",
    "li", "ly", "ý", "á", "é", "í", "a", "e", "i", "o", "u", "y", "ů",
];

/// Polish inflectional endings (adjective and noun declension, verb
/// conjugation); the longest that applies is taken off, so a lemma and its
/// forms share what is left
/// ("dobry", "dobrego" → "dobr").
const POLISH_ENDINGS: &[&str] = &[
    "owania", "owanie", "owaniu", "ujemy", "owali", "owały", "owała", "owało", "ować", "ywać",
    "iwać", "ującą", "ujący", "ująca", "ujące", "ymi", "imi", "ego", "emu", "ych", "ich", "ami",
    "ach", "owi", "ową", "owy", "owa", "owe", "uje", "ują", "ał", "ała", "ało", "ali", "ały", "ił",
    "iła", "iło", "ili", "iły", "ać", "ić", "yć", "eć", "ym", "im", "ej", "om", "ów", "em", "ie",
    "ię", "a", "e", "y", "i", "ą", "ę", "u", "o",
];

/// What a word is for tone.
#[derive(Debug, Clone, Copy, Default)]
struct WordClass {
    /// The sign of its valence: -1, 0 or +1.
    sentiment: i8,
    /// Whether it is a verb form of the event lexicon.
    action: bool,
    /// Whether it is a personal pronoun.
    pronoun: bool,
}

/// One language's compiled word lists.
struct Table {
    /// What each lower-case word (or, in an unspaced language, string) is.
    words: HashMap<String, WordClass>,
    /// The sign of the mean valence of the lexicon lemmas sharing a stem,
    /// for a language with a [`Stemming`].
    stems: HashMap<String, i8>,
    /// The language's stemmer, if it has one.
    stemmer: Option<Stemmer>,
    /// The longest entry in characters (for substring search).
    longest: usize,
}

impl Table {
    /// The sentiment of the lemmas sharing the stem of `key`; 0 without a
    /// stemmer or such lemmas.
    fn stem_sentiment(&self, key: &str) -> i8 {
        self.stemmer.as_ref().map_or(0, |stemmer| {
            self.stems
                .get(stemmer.stem(key).as_ref())
                .copied()
                .unwrap_or(0)
        })
    }
}

/// The compiled table of `LANGUAGES[index]`, built on first use.
fn table(index: usize) -> &'static Table {
    static TABLES: [OnceLock<Table>; LANGUAGES.len()] =
        [const { OnceLock::new() }; LANGUAGES.len()];
    TABLES[index].get_or_init(|| compile(&LANGUAGES[index]))
}

fn compile(language: &Language) -> Table {
    let mut table = Table {
        words: HashMap::new(),
        stems: HashMap::new(),
        stemmer: language.stemmer.map(Stemmer::new),
        longest: 0,
    };
    let mut stem_valences: HashMap<String, (f64, u32)> = HashMap::new();
    if let Some((_, lexicon)) = language.lexicon {
        for (word, valence) in table_rows(lexicon, &["word", "valence"])
            .filter_map(|row| Some((row[0], row[1].parse::<f64>().ok()?)))
        {
            let key = fold(language, &word.to_lowercase()).into_owned();
            if let Some(stemmer) = &table.stemmer {
                let stem = stemmer.stem(&key).into_owned();
                let entry = stem_valences.entry(stem).or_default();
                entry.0 += valence;
                entry.1 += 1;
            }
            table.words.entry(key).or_default().sentiment = sign(valence);
        }
    }
    table.stems = stem_valences
        .into_iter()
        .map(|(stem, (sum, n))| (stem, sign(sum / f64::from(n))))
        .filter(|(_, sentiment)| *sentiment != 0)
        .collect();
    if language.actions {
        for row in table_rows(EVENT_LEXICON, &["kind", "forms"]) {
            if row[0] != "verb" {
                continue;
            }
            for form in row[1].split('|') {
                if let Some(head) = form.split_whitespace().next() {
                    table.words.entry(head.to_lowercase()).or_default().action = true;
                }
            }
        }
    }
    for pronoun in language.pronouns {
        table
            .words
            .entry((*pronoun).to_string())
            .or_default()
            .pronoun = true;
    }
    table.longest = table
        .words
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    table
}

/// -1, 0 or +1 as `valence` is negative, zero or positive.
fn sign(valence: f64) -> i8 {
    if valence > 0.0 {
        1
    } else if valence < 0.0 {
        -1
    } else {
        0
    }
}

/// A lower-case word in the spelling its language's tables use: Russian
/// writes ё as е as often as not, so both are read as е; Romanian text
/// still often has the cedilla letters ş and ţ for ș and ț.
fn fold<'a>(language: &Language, word: &'a str) -> Cow<'a, str> {
    match language.code {
        "ru" if word.contains('ё') => word.replace('ё', "е").into(),
        "ro" if word.contains(['ş', 'ţ']) => word.replace('ş', "ș").replace('ţ', "ț").into(),
        // The Ukrainian apostrophe is written three ways (ув'язнений).
        "uk" if word.contains(['ʼ', '’']) => word.replace(['ʼ', '’'], "'").into(),
        _ => word.into(),
    }
}

/// The named columns of each row of a built-in tab-separated table (`#`
/// comments and blank lines skipped, the first other line the header).
/// The tables are the project's own and checked by tests, so a row that
/// lacks a column is skipped rather than reported.
fn table_rows<'a>(
    table: &'a str,
    columns: &'a [&'a str],
) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    let mut lines = table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|c| header.iter().position(|h| h.trim() == *c))
        .collect();
    lines.filter_map(move |line| {
        let fields: Vec<&str> = line.split('\t').collect();
        positions
            .iter()
            .map(|p| p.and_then(|i| fields.get(i)).map(|f| f.trim()))
            .collect()
    })
}

/// The word lists for `code` (ISO 639-1), if tone has any.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// Whether `c` belongs to a script written without spaces between words in
/// which a character is about a word (Han, Hiragana, Katakana): each counts
/// as a word of its own, so that a Chinese sentence is not one "word".
fn ideographic(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF // Han
    )
}

/// Whether `c`, not itself a letter, belongs inside a word: a combining
/// mark (the virama of उन्हें, Thai tone marks, combining accents) or the
/// zero-width non-joiner of Persian (می‌گویند); the danda ends a sentence.
fn inside_word(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0900..=0x0963 | 0x0966..=0x0DFF | 0x0E00..=0x0EFF | 0x200C | 0x200D
    )
}

/// The words of a text: runs of letters and digits with inner apostrophes
/// (straight or curly) and hyphens kept ("don't", "well-being"); in a
/// language with elision ([`Language`]), the apostrophe separates
/// ("l'économie" is two words); a Han or kana character is a word by
/// itself; combining marks stay inside their word. The same rule as the
/// GKG word count.
pub fn words<'a>(text: &'a str, language: Option<&str>) -> Vec<&'a str> {
    let elision = language.and_then(self::language).is_some_and(|l| l.elision);
    let mut out = Vec::new();
    for run in text.split(|c: char| {
        !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' || inside_word(c))
    }) {
        let mut push = |piece: &'a str| {
            let piece = piece.trim_matches(|c| c == '\'' || c == '’' || c == '-');
            if piece.chars().any(char::is_alphanumeric) {
                out.push(piece);
            }
        };
        let pieces = run.split(|c: char| elision && (c == '\'' || c == '’'));
        for piece in pieces {
            if !piece.chars().any(ideographic) {
                push(piece);
                continue;
            }
            let mut start = 0;
            for (at, c) in piece.char_indices() {
                if ideographic(c) {
                    push(&piece[start..at]);
                    push(&piece[at..at + c.len_utf8()]);
                    start = at + c.len_utf8();
                }
            }
            push(&piece[start..]);
        }
    }
    out
}

/// The tone of `text` measured with the word lists of `language` (ISO
/// 639-1; `None` when unknown); `None` when it has no words. A language
/// without a sentiment lexicon gets the word count and reference densities
/// only, with `lexicon` null and `unmeasured` saying what is missing.
pub fn tone(text: &str, language: Option<&str>) -> Option<Tone> {
    let index = language.and_then(|code| LANGUAGES.iter().position(|l| l.code == code));
    let spec = index.map(|i| &LANGUAGES[i]);
    let table = index.map(table);
    let words = words(text, language);
    if words.is_empty() {
        return None;
    }
    let mut counts = [0u32; 4]; // positive, negative, action, pronoun
    let mut count = |sentiment: i8, class: Option<&WordClass>| {
        match sentiment {
            1 => counts[0] += 1,
            -1 => counts[1] += 1,
            _ => {}
        }
        if let Some(class) = class {
            counts[2] += u32::from(class.action);
            counts[3] += u32::from(class.pronoun);
        }
    };
    match (spec, table) {
        (Some(spec), Some(table)) if spec.unspaced => {
            for class in substring_matches(text, table) {
                count(class.sentiment, Some(class));
            }
        }
        (Some(spec), Some(table)) => {
            // Every word's key at once only where entries span words.
            let keys: Vec<String> = if spec.phrase_words > 1 {
                words
                    .iter()
                    .map(|word| {
                        let mut key = String::new();
                        word_key(spec, word, &mut key);
                        key
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut buffer = String::new();
            let mut i = 0;
            'words: while i < words.len() {
                // A lexicon entry of several words ("tuyệt vời"), longest first.
                for length in (2..=spec.phrase_words.min(words.len() - i)).rev() {
                    if let Some(class) = table.words.get(&keys[i..i + length].join(" ")) {
                        count(class.sentiment, Some(class));
                        i += length;
                        continue 'words;
                    }
                }
                let key = match keys.get(i) {
                    Some(key) => key.as_str(),
                    None => {
                        word_key(spec, words[i], &mut buffer);
                        buffer.as_str()
                    }
                };
                i += 1;
                let class = table.words.get(key).or_else(|| {
                    // "well-being" is in the lexicon whole; "anti-war" is not,
                    // and then its last part speaks for it.
                    key.rsplit_once('-')
                        .and_then(|(_, last)| table.words.get(last))
                });
                let sentiment = match class {
                    Some(class) if class.sentiment != 0 => class.sentiment,
                    // Each way of finding a lemma, until one does.
                    _ => Some(stem_sentiment(key, spec.endings, table))
                        .filter(|s| *s != 0)
                        .or_else(|| {
                            Some(prefix_sentiment(key, spec.prefixes, table)).filter(|s| *s != 0)
                        })
                        .unwrap_or_else(|| table.stem_sentiment(key)),
                };
                count(sentiment, class);
            }
        }
        _ => {}
    }
    let total = words.len() as u32;
    // Substring matches are not words: a Korean word may hold two entries
    // ("위기위기"). Never more matched words than words, so that every
    // share stays a percentage.
    counts[0] = counts[0].min(total);
    counts[1] = counts[1].min(total - counts[0]);
    counts[3] = counts[3].min(total);
    let percent = |n: u32| round6(f64::from(n) * 100.0 / f64::from(total));
    let lexicon = spec.and_then(|s| s.lexicon).map(|(name, _)| name);
    let (positive, negative) = (percent(counts[0]), percent(counts[1]));
    let scored = |x: f64| lexicon.map(|_| x);
    let mut unmeasured = Vec::new();
    if lexicon.is_none() {
        unmeasured.push(ToneMeasure::Sentiment);
    }
    if !spec.is_some_and(|s| s.actions) {
        unmeasured.push(ToneMeasure::Activity);
    }
    if spec.is_none_or(|s| s.pronouns.is_empty()) {
        unmeasured.push(ToneMeasure::SelfGroup);
    }
    Some(Tone {
        language: language.map(str::to_string),
        lexicon: lexicon.map(str::to_string),
        tone: scored(round6(positive - negative)),
        positive: scored(positive),
        negative: scored(negative),
        polarity: scored(round6(positive + negative)),
        activity: percent(counts[2]),
        self_group: percent(counts[3]),
        words: total,
        unmeasured,
    })
}

/// The sentiment of `key` with an inflectional ending taken off, for a
/// language whose lexicon holds lemmas; 0 when no stem of four or more
/// letters is in it.
fn stem_sentiment(key: &str, endings: &[&str], table: &Table) -> i8 {
    endings
        .iter()
        .filter_map(|ending| key.strip_suffix(ending))
        .filter(|stem| stem.chars().count() >= 4)
        .find_map(|stem| table.words.get(stem).filter(|c| c.sentiment != 0))
        .map_or(0, |c| c.sentiment)
}

/// A word as the tables spell it, into `key` (reused from word to word):
/// lower case, a curly apostrophe straight, and the letters [`fold`]
/// unifies.
fn word_key(language: &Language, word: &str, key: &mut String) {
    key.clear();
    for c in word.chars() {
        match c {
            '’' => key.push('\''),
            c => key.extend(c.to_lowercase()),
        }
    }
    if let Cow::Owned(folded) = fold(language, key) {
        *key = folded;
    }
}

/// The sentiment of `key` with one or two one-letter particles taken off
/// its front (Hebrew writes "and", "the", "in", "to", "from", "that", "as"
/// onto the word: ובמלחמה is "and in the war"); 0 when what is left, of
/// at least two letters, is not in the lexicon.
fn prefix_sentiment(key: &str, prefixes: &[char], table: &Table) -> i8 {
    let mut rest = key;
    for _ in 0..2 {
        let Some(first) = rest.chars().next().filter(|c| prefixes.contains(c)) else {
            return 0;
        };
        rest = &rest[first.len_utf8()..];
        if rest.chars().count() < 2 {
            return 0;
        }
        if let Some(class) = table.words.get(rest).filter(|c| c.sentiment != 0) {
            return class.sentiment;
        }
    }
    0
}

/// The entries of `table` found in `text` of a language written without
/// spaces: at each character the longest entry of two or more characters
/// that starts there (and the search goes on after it), else the next
/// character. A one-character entry would match inside unrelated
/// compounds, so none is tried.
fn substring_matches<'t>(text: &str, table: &'t Table) -> Vec<&'t WordClass> {
    let mut found = Vec::new();
    let mut key = String::new();
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .collect();
    let mut i = 0;
    while i + 1 < starts.len() {
        let mut matched = 0;
        for length in (2..=table.longest.min(starts.len() - 1 - i)).rev() {
            key.clear();
            key.extend(
                text[starts[i]..starts[i + length]]
                    .chars()
                    .flat_map(char::to_lowercase),
            );
            if let Some(class) = table.words.get(&key) {
                found.push(class);
                matched = length;
                break;
            }
        }
        i += matched.max(1);
    }
    found
}

/// `x` rounded to six decimals, so the JSON holds a short exact decimal.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Tone {
        tone(text, Some("en")).unwrap()
    }

    fn index(code: &str) -> usize {
        LANGUAGES.iter().position(|l| l.code == code).unwrap()
    }

    #[test]
    fn the_lexicons_are_read() {
        let english = &table(index("en")).words;
        assert!(english.len() > 7000, "{}", english.len());
        assert_eq!(english["peace"].sentiment, 1);
        assert_eq!(english["killed"].sentiment, -1);
        assert!(english["visited"].action, "event verbs are action words");
        assert!(english["they"].pronoun);
        // Every other lexicon is read whole, with both signs.
        for language in LANGUAGES.iter().filter(|l| l.lexicon.is_some()) {
            let words = &table(index(language.code)).words;
            let positive = words.values().filter(|c| c.sentiment > 0).count();
            let negative = words.values().filter(|c| c.sentiment < 0).count();
            assert!(
                positive > 400 && negative > 400,
                "{}: {positive} {negative}",
                language.code
            );
        }
    }

    #[test]
    fn every_language_is_unique_and_has_pronouns() {
        for (i, language) in LANGUAGES.iter().enumerate() {
            assert!(!language.pronouns.is_empty(), "{}", language.code);
            assert!(LANGUAGES[..i].iter().all(|l| l.code != language.code));
            for pronoun in language.pronouns {
                assert_eq!(*pronoun, pronoun.to_lowercase(), "{}", language.code);
            }
        }
    }

    #[test]
    fn tone_is_positive_minus_negative_in_percent_of_words() {
        // 9 words: "welcomed" and "peace" positive, "condemned" and
        // "attack" negative; "welcomed" and "condemned" are event verbs;
        // "they" a pronoun.
        let tone = en("They welcomed the peace talks but condemned the attack.");
        assert_eq!(tone.words, 9);
        let share = |n: f64| round6(n * 100.0 / 9.0);
        assert_eq!(tone.positive, Some(share(2.0)));
        assert_eq!(tone.negative, Some(share(2.0)));
        assert_eq!(tone.tone, Some(0.0));
        assert_eq!(tone.polarity, Some(share(4.0)));
        assert_eq!(tone.self_group, share(1.0));
        assert!(tone.activity >= share(2.0), "{tone:?}");
        assert_eq!(tone.language.as_deref(), Some("en"));
        assert_eq!(tone.lexicon.as_deref(), Some("vader"));
        assert!(tone.unmeasured.is_empty());
    }

    #[test]
    fn direction_follows_the_words() {
        let good = en("A wonderful, happy celebration of peace and friendship.");
        let bad = en("A terrible, deadly attack killed dozens and wounded many.");
        assert!(
            good.tone > Some(0.0) && bad.tone < Some(0.0),
            "{good:?} {bad:?}"
        );
    }

    /// Fixture sentences, one good and one bad per language, written for
    /// these tests.
    const SENTENCES: &[(&str, &str, &str)] = &[
        (
            "fr",
            "Une belle victoire : les habitants sont heureux et fiers de leur ville.",
            "Une attaque terrible et cruelle a fait des morts ; la situation est désastreuse.",
        ),
        (
            "de",
            "Ein wunderbarer Erfolg: die Menschen sind glücklich und feiern den Frieden.",
            "Ein schrecklicher Angriff mit vielen Toten; die Lage ist katastrophal und gefährlich.",
        ),
        (
            "nl",
            "Een mooie en goede dag: de mensen zijn blij en tevreden over het resultaat.",
            "Een slechte en gevaarlijke situatie: de aanval was verschrikkelijk en wreed.",
        ),
        (
            "it",
            "Una bella giornata: la gente è felice e contenta del risultato eccellente.",
            "Una situazione terribile e drammatica: l'attacco è stato crudele e orribile.",
        ),
        (
            "pt",
            "Uma vitória maravilhosa: o povo está feliz e celebra a paz com alegria.",
            "Um ataque terrível matou dezenas; a situação é trágica e o medo é grande.",
        ),
        (
            "sv",
            "En underbar dag: folket är glada och firar freden med stor glädje.",
            "En fruktansvärd attack dödade många; läget är farligt och hemskt.",
        ),
        (
            "es",
            "Una victoria maravillosa: la gente está feliz y celebra la paz con alegría.",
            "Un ataque terrible mató a decenas; la situación es trágica y peligrosa.",
        ),
        (
            "ru",
            "Прекрасная победа: люди счастливы и радостно празднуют мир.",
            "Ужасное нападение убило десятки людей; ситуация трагическая и опасная.",
        ),
        (
            "pl",
            "Wspaniałe zwycięstwo: ludzie są szczęśliwi i radośnie świętują pokój.",
            "Straszny atak zabił dziesiątki osób; sytuacja jest tragiczna i niebezpieczna.",
        ),
        (
            "id",
            "Kemenangan yang luar biasa: rakyat bahagia dan merayakan perdamaian dengan gembira.",
            "Serangan yang mengerikan menewaskan puluhan orang; situasinya tragis dan berbahaya.",
        ),
        (
            "ja",
            "素晴らしい勝利に人々は喜び、平和を祝った。",
            "恐ろしい攻撃で数十人が死亡し、状況は危険で悲惨だ。",
        ),
        (
            "zh",
            "这是一个伟大的胜利，人们非常高兴，庆祝和平。",
            "可怕的袭击造成数十人死亡，局势危险而悲惨。",
        ),
        (
            "ko",
            "훌륭한 승리에 사람들은 행복하게 평화를 축하했다.",
            "끔찍한 공격으로 수십 명이 사망했고 상황은 위험하고 비극적이다.",
        ),
        (
            "ar",
            "انتصار رائع: الناس سعداء ويحتفلون بالسلام بفرح.",
            "هجوم مروع قتل العشرات، والوضع خطير ومأساوي.",
        ),
        (
            "tr",
            "Harika bir zafer: insanlar mutlu ve barışı sevinçle kutluyor.",
            "Korkunç bir saldırı onlarca kişiyi öldürdü; durum tehlikeli ve trajik.",
        ),
        (
            "uk",
            "Чудова перемога: люди щасливі й радісно святкують.",
            "Жахливий напад убив десятки людей; ситуація трагічна і небезпечна.",
        ),
        (
            "cs",
            "Skvělé vítězství: lidé jsou šťastní a radostně slaví.",
            "Strašný útok zabil desítky lidí; situace je tragická a nebezpečná.",
        ),
        (
            "hu",
            "Csodálatos győzelem: az emberek boldogok és örömmel ünnepelnek.",
            "Szörnyű támadás több tucat embert megölt; a helyzet tragikus és veszélyes.",
        ),
        (
            "ro",
            "O victorie minunată: oamenii sunt fericiți și sărbătoresc cu bucurie.",
            "Un atac teribil a ucis zeci de oameni; situația este tragică și periculoasă.",
        ),
        (
            "el",
            "Μια υπέροχη νίκη: οι άνθρωποι είναι ευτυχισμένοι και γιορτάζουν με χαρά.",
            "Μια φρικτή επίθεση σκότωσε δεκάδες ανθρώπους· η κατάσταση είναι τραγική και επικίνδυνη.",
        ),
        (
            "he",
            "ניצחון נפלא: האנשים מאושרים וחוגגים בשמחה.",
            "מתקפה איומה הרגה עשרות אנשים; המצב טרגי ומסוכן.",
        ),
        (
            "fa",
            "یک پیروزی فوق‌العاده: مردم خوشحال هستند و با شادی جشن می‌گیرند.",
            "یک حمله وحشتناک ده‌ها نفر را کشت؛ وضعیت غم‌انگیز و خطرناک است.",
        ),
        (
            "hi",
            "एक शानदार जीत: लोग खुश हैं और खुशी से जश्न मना रहे हैं।",
            "एक भयानक हमले में दर्जनों लोग मारे गए; स्थिति दुखद और खतरनाक है।",
        ),
        (
            "vi",
            "Một chiến thắng tuyệt vời: người dân hạnh phúc và vui mừng ăn mừng.",
            "Một cuộc tấn công khủng khiếp đã giết chết hàng chục người; tình hình bi thảm và nguy hiểm.",
        ),
        (
            "da",
            "En vidunderlig sejr: folk er glade og fejrer freden med stor glæde.",
            "Et forfærdeligt angreb dræbte snesevis; situationen er tragisk og farlig.",
        ),
        (
            "nb",
            "En fantastisk seier: folk er glade og feirer freden med stor glede.",
            "Et forferdelig angrep drepte dusinvis; situasjonen er tragisk og farlig.",
        ),
        (
            "fi",
            "Upea voitto: ihmiset ovat onnellisia ja juhlivat rauhaa ilolla.",
            "Kauhea hyökkäys tappoi kymmeniä ihmisiä; tilanne on traaginen ja vaarallinen.",
        ),
    ];

    #[test]
    fn each_lexicon_reads_its_own_language_in_the_right_direction() {
        for (code, good, bad) in SENTENCES {
            let good = tone(good, Some(code)).unwrap();
            let bad = tone(bad, Some(code)).unwrap();
            assert_eq!(good.language.as_deref(), Some(*code));
            assert!(good.lexicon.is_some(), "{code}");
            assert!(good.tone > Some(0.0), "{code} good: {good:?}");
            assert!(bad.tone < Some(0.0), "{code} bad: {bad:?}");
            assert_eq!(good.unmeasured, vec![ToneMeasure::Activity], "{code}");
        }
    }

    #[test]
    fn the_english_lexicon_does_not_read_other_languages() {
        // What the language gate used to guard against: VADER finds next to
        // nothing in French, so the French lexicon must be the one used.
        let (_, good, _) = SENTENCES[0];
        let english = en(good);
        let french = tone(good, Some("fr")).unwrap();
        assert!(english.polarity < french.polarity, "{english:?} {french:?}");
    }

    #[test]
    fn elision_splits_french_and_italian_words() {
        assert_eq!(
            words("L'économie qu'il défend", Some("fr")),
            ["L", "économie", "qu", "il", "défend"]
        );
        assert_eq!(words("dell'anno", Some("it")), ["dell", "anno"]);
        // Not in English or Dutch: "don't", "zo'n" stay whole.
        assert_eq!(words("don't", Some("en")), ["don't"]);
        assert_eq!(words("zo'n", Some("nl")), ["zo'n"]);
        let t = tone("Il l'a dit : j'aime sa belle ville.", Some("fr")).unwrap();
        assert_eq!(t.words, 9);
        assert!(t.self_group > 0.0 && t.positive > Some(0.0), "{t:?}");
    }

    #[test]
    fn declined_german_and_dutch_adjectives_find_their_lemma() {
        for (code, word) in [
            ("de", "schlechten"),
            ("de", "schreckliche"),
            ("nl", "slechte"),
        ] {
            let t = tone(word, Some(code)).unwrap();
            assert_eq!(t.tone, Some(-100.0), "{code} {word}: {t:?}");
        }
        // A short word is not stemmed into another one.
        assert_eq!(stem_sentiment("tote", &["e"], table(index("de"))), 0);
    }

    #[test]
    fn pronouns_count_in_every_listed_language() {
        let t = tone("Nosotros creemos que ellos tienen razón.", Some("es")).unwrap();
        assert_eq!(t.words, 6);
        assert_eq!(t.self_group, round6(200.0 / 6.0));
        assert_eq!(t.activity, 0.0);
        assert_eq!(t.unmeasured, [ToneMeasure::Activity]);
        let ru = tone("Мы знаем, что они придут.", Some("ru")).unwrap();
        assert_eq!((ru.words, ru.self_group), (5, 40.0));
        // Japanese pronouns are found as substrings: 彼女 (she) and 私は
        // (I + topic), not the 私 of 私立 (private).
        let ja = tone("彼女は私立大学で働き、私は東京にいる。", Some("ja")).unwrap();
        assert_eq!(ja.self_group, round6(200.0 / f64::from(ja.words)));
    }

    #[test]
    fn a_language_without_word_lists_counts_words_only() {
        // An unknown or unlisted language: words only.
        for language in [None, Some("xx")] {
            let t = tone("Dies ist ein Satz.", language).unwrap();
            assert_eq!(t.words, 4);
            assert_eq!(t.language.as_deref(), language);
            assert_eq!(
                t.unmeasured,
                [
                    ToneMeasure::Sentiment,
                    ToneMeasure::Activity,
                    ToneMeasure::SelfGroup
                ]
            );
        }
    }

    #[test]
    fn han_and_kana_characters_are_words() {
        assert_eq!(words("北京今天下雨。", Some("zh")).len(), 6);
        assert_eq!(
            words("東京でAI会議", None),
            ["東", "京", "で", "AI", "会", "議"]
        );
    }

    #[test]
    fn combining_marks_and_the_zero_width_non_joiner_stay_inside_words() {
        assert_eq!(words("उन्हें खतरनाक है।", Some("hi")), ["उन्हें", "खतरनाक", "है"]);
        assert_eq!(words("می‌گویند", Some("fa")), ["می‌گویند"]);
    }

    #[test]
    fn hebrew_particles_and_vietnamese_syllables() {
        // "and in the war": ו + ב + מלחמה, two particles off a lexicon word.
        let he = table(index("he"));
        let war = he.words.get("מלחמה").map(|c| c.sentiment);
        assert_eq!(war, Some(-1));
        assert_eq!(prefix_sentiment("ובמלחמה", &['ו', 'ב'], he), -1);
        assert_eq!(prefix_sentiment("ו", &['ו'], he), 0);
        // Two syllables, one word: "khủng hoảng" (crisis).
        let vi = tone("Khủng hoảng", Some("vi")).unwrap();
        assert_eq!((vi.words, vi.negative), (2, Some(50.0)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any text in any language's tables: no panic, every share a
        /// percentage, positive minus negative the tone.
        #[test]
        fn every_language_measures_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "위기", "평화", "攻撃", "危機", "和平", "khủng hoảng", "ובמלחמה", "खतरनाक",
                    "می‌گویند", "хорошего", "ş", "the", "attack", " ", "\n", "-", "'", "。", "x",
                    "\u{0301}", "\u{094D}", "ё", "",
                ]),
                0..40,
            ),
        ) {
            let text = pieces.concat();
            for language in LANGUAGES {
                if let Some(t) = tone(&text, Some(language.code)) {
                    for share in [t.positive.unwrap(), t.negative.unwrap(), t.polarity.unwrap(),
                                  t.activity, t.self_group] {
                        proptest::prop_assert!((0.0..=100.0).contains(&share), "{} {t:?}", language.code);
                    }
                    let difference = t.positive.unwrap() - t.negative.unwrap();
                    proptest::prop_assert!((t.tone.unwrap() - difference).abs() < 1e-5);
                }
            }
        }
    }

    #[test]
    fn no_words_no_tone() {
        assert_eq!(tone("", Some("en")), None);
        assert_eq!(tone(" — … ", Some("fr")), None);
        assert_eq!(tone(" … ", None), None);
    }

    #[test]
    fn curly_apostrophes_and_hyphens_match() {
        let t = en("Don’t worry about well-being.");
        assert_eq!(t.words, 4);
        assert!(t.polarity > Some(0.0));
    }

    #[test]
    fn translated_lexicons_carry_the_mean_valence_of_their_english_entries() {
        let english: HashMap<&str, f64> = table_rows(LEXICON, &["word", "valence"])
            .filter_map(|row| Some((row[0], row[1].parse().ok()?)))
            .collect();
        let mut checked = 0;
        for language in LANGUAGES {
            let Some((name, lexicon)) = language.lexicon else {
                continue;
            };
            for row in table_rows(lexicon, &["word", "valence", "english"]) {
                let sources: Vec<f64> = row[2]
                    .split('|')
                    .map(|w| *english.get(w).unwrap_or_else(|| panic!("{name}: {w}")))
                    .collect();
                let mean = sources.iter().sum::<f64>() / sources.len() as f64;
                let valence: f64 = row[1].parse().unwrap();
                assert!(
                    (valence - mean).abs() < 6e-4,
                    "{name} {}: {valence} {mean}",
                    row[0]
                );
                assert_ne!(valence, 0.0, "{name} {}", row[0]);
                checked += 1;
            }
        }
        assert!(checked > 5000, "{checked}");
    }

    #[test]
    fn inflected_words_find_their_lemma_through_the_stem() {
        // Lemmas in the lexicons, inflected forms in the text.
        for (code, word, sign) in [
            ("ru", "ужасного", -1.0),
            ("ru", "счастливыми", 1.0),
            ("es", "terribles", -1.0),
            ("es", "alegres", 1.0),
            ("pl", "tragicznej", -1.0),
        ] {
            let t = tone(word, Some(code)).unwrap();
            assert_eq!(t.tone, Some(sign * 100.0), "{code} {word}: {t:?}");
        }
        // ё and е are one letter for Russian tables.
        assert_eq!(fold(language("ru").unwrap(), "ещё"), "еще");
        assert_eq!(fold(language("ro").unwrap(), "situaţia"), "situația");
        assert_eq!(fold(language("uk").unwrap(), "увʼязнений"), "ув'язнений");
    }

    #[test]
    fn japanese_entries_are_found_as_substrings_longest_first() {
        let ja = table(index("ja"));
        let found = substring_matches("攻撃を非難した", ja);
        assert!(
            found.iter().all(|c| c.sentiment < 0) && found.len() >= 2,
            "{}",
            found.len()
        );
        // Nothing in text without entries; no panic on mixed scripts.
        assert!(substring_matches("ABC 123 です", ja).is_empty());
        assert!(substring_matches("", ja).is_empty());
    }
}
