//! The phrase matcher: every lexicon phrase found in a message's normalised tokens, the
//! longest first from the left (leftmost-longest), with aho-corasick automata.
//!
//! Building the automaton is most of the lexicon's start-up time (some 30,000 phrases with
//! their plurals), so the phrases are split in two by their first word and each half is built
//! on its own thread. A search takes the leftmost-longest match of either half and searches on
//! from its end, which finds exactly what one automaton over all phrases would: phrases sit on
//! whole tokens, so the leftmost-longest match overall is the earlier (or, starting together,
//! the longer) of the two halves' leftmost-longest matches.

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, BuildError, Input, MatchKind,
};

/// A phrase found: its byte span in the haystack and its index among the phrases built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PhraseMatch {
    pub start: usize,
    pub end: usize,
    pub phrase: usize,
}

/// One half of the phrases and the automaton over them.
struct Half {
    automaton: AhoCorasick,
    /// The index among all phrases of each of this half's patterns.
    phrases: Vec<u32>,
}

/// All the phrases, in two automata searched as one.
pub(crate) struct Phrases {
    halves: [Half; 2],
}

/// Which half a phrase goes to: by its first word, so phrases that start alike stay together.
fn half_of(phrase: &str) -> usize {
    let first = phrase.trim_start().split(' ').next().unwrap_or("");
    let hash = first.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    (hash & 1) as usize
}

fn build_half(patterns: &[String], phrases: Vec<u32>) -> Result<Half, BuildError> {
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        // The noncontiguous NFA builds fastest. A contiguous one searches about twice as fast
        // but takes a third longer to build, which every start of the bot pays; the parser
        // stays well above its throughput target either way (benches/parse.rs).
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        // Every pattern starts with a space, so a start-byte prefilter cannot skip anything.
        .prefilter(false)
        .build(phrases.iter().map(|&i| patterns[i as usize].as_bytes()))?;
    Ok(Half { automaton, phrases })
}

impl Phrases {
    /// The matcher for `patterns` (normalised phrases, each starting and ending with a space).
    pub(crate) fn build(patterns: &[String]) -> Result<Phrases, BuildError> {
        let mut split: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        for (i, pattern) in patterns.iter().enumerate() {
            split[half_of(pattern)].push(i as u32);
        }
        let [first, second] = split;
        std::thread::scope(|scope| {
            let other = scope.spawn(|| build_half(patterns, second));
            let one = build_half(patterns, first);
            let two = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok(Phrases {
                halves: [one?, two?],
            })
        })
    }

    /// The leftmost-longest, non-overlapping phrases of `haystack`, in order.
    pub(crate) fn find_iter<'h>(&'h self, haystack: &'h str) -> PhraseMatches<'h> {
        PhraseMatches {
            phrases: self,
            haystack,
            at: 0,
            next: [None, None],
        }
    }

    /// The leftmost-longest match of half `h` starting at or after `at`.
    fn find_in(&self, h: usize, haystack: &str, at: usize) -> Option<PhraseMatch> {
        let half = &self.halves[h];
        let found = half.automaton.find(Input::new(haystack).range(at..))?;
        Some(PhraseMatch {
            start: found.start(),
            end: found.end(),
            phrase: half.phrases[found.pattern().as_usize()] as usize,
        })
    }
}

/// The search of [`Phrases::find_iter`]: each half's next match is kept until a match of the
/// other half passes over it.
pub(crate) struct PhraseMatches<'h> {
    phrases: &'h Phrases,
    haystack: &'h str,
    /// Where the search goes on from: the end of the last match.
    at: usize,
    /// Each half's next match from `at`: `None` not looked for yet, `Some(None)` none left.
    next: [Option<Option<PhraseMatch>>; 2],
}

impl Iterator for PhraseMatches<'_> {
    type Item = PhraseMatch;

    fn next(&mut self) -> Option<PhraseMatch> {
        for h in 0..2 {
            let stale = matches!(self.next[h], Some(Some(m)) if m.start < self.at);
            if self.next[h].is_none() || stale {
                self.next[h] = Some(self.phrases.find_in(h, self.haystack, self.at));
            }
        }
        let [a, b] = [self.next[0].flatten(), self.next[1].flatten()];
        let (chosen, h) = match (a, b) {
            (Some(a), Some(b))
                if (b.start, std::cmp::Reverse(b.end)) < (a.start, std::cmp::Reverse(a.end)) =>
            {
                (b, 1)
            }
            (Some(a), _) => (a, 0),
            (None, Some(b)) => (b, 1),
            (None, None) => return None,
        };
        self.next[h] = None;
        self.at = chosen.end;
        Some(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(phrases: &[&str]) -> Vec<String> {
        phrases
            .iter()
            .map(|p| format!(" {} ", p.replace(' ', "  ")))
            .collect()
    }

    #[test]
    fn two_halves_find_what_one_automaton_finds() {
        let phrases = patterns(&[
            "red wine",
            "wine",
            "glass of red",
            "red",
            "glass",
            "chips",
            "fish and chips",
            "fish",
            "and",
            "peanut butter",
            "butter",
            "peanut",
        ]);
        let matcher = Phrases::build(&phrases).expect("builds");
        let one = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&phrases)
            .expect("builds");
        for text in [
            "glass of red wine",
            "fish and chips and peanut butter",
            "red red wine butter peanut",
            "a glass of wine and fish",
            "",
        ] {
            let haystack = format!(" {} ", text.split(' ').collect::<Vec<_>>().join("  "));
            let split: Vec<(usize, usize, usize)> = matcher
                .find_iter(&haystack)
                .map(|m| (m.start, m.end, m.phrase))
                .collect();
            let whole: Vec<(usize, usize, usize)> = one
                .find_iter(&haystack)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect();
            assert_eq!(split, whole, "{text:?}");
        }
        // Both halves are used.
        assert!(matcher.halves.iter().all(|h| !h.phrases.is_empty()));
    }
}
