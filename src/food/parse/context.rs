//! Whose food a clause is about, and whether it was eaten at all.
//!
//! A message often names food the writer did not have: "my flatmate ordered a curry, I just
//! had toast", "might get a takeaway later", "made the kids nuggets", "bought my mum a cake",
//! "ordered pizza but cancelled it". Reading left to right, a clause (up to the end of a
//! sentence or a clause break such as "but") keeps three facts, each set by the words of
//! `[rules.context]` in `config/foods/rules.toml`:
//! - someone else is the subject: a person ("my flatmate", "hubby", "the kids") or "he",
//!   "they", "everyone", followed by a verb such as "had" or "ordered", and not after "with"
//!   ("pizza with the girls" is the writer's). The writer taking over ("I just had toast",
//!   "my flatmate and I") ends it;
//! - a plan or wish: "might", "gonna", "going to", "want to", "tomorrow", "should have";
//! - food served to someone: "made the kids ...", "bought my mum ...".
//!
//! A past verb of eating ("had", "ate") ends a plan or a serving ("gonna cook, had toast
//! instead"). Food "for" a person or for later ("a cake for my mum", "prosecco for
//! saturday"), someone else's by a possessive ("his tea", "two sugars in her coffee") and food
//! taken back after it was named (a retraction: "but cancelled it", "never arrived") are not
//! eaten either.

use super::{breaks_clause, ends_sentence, Draft, Lexicon, NotEaten};
use crate::food::lexicon::word;
use crate::food::text::{TokenKind, Tokens};

/// How far after a subject its verb may come ("my flatmate just ordered").
const VERB_REACH: usize = 3;

/// Words that stand between a possessive and its person ("my little brother") or before it.
fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "my" | "our"
            | "his"
            | "her"
            | "their"
            | "the"
            | "a"
            | "your"
            | "this"
            | "that"
            | "some"
            | "little"
            | "big"
            | "older"
            | "younger"
            | "best"
            | "lil"
            | "2"
            | "two"
            | "both"
    )
}

impl Lexicon {
    /// Marks the foods of `drafts` that the writer did not eat, by the rules above.
    pub(super) fn mark_not_eaten(
        &self,
        text: &str,
        tokens: &Tokens,
        drafts: &mut [Draft<'_>],
        retractions: &[(usize, usize)],
    ) {
        self.mark_by_clause(text, tokens, drafts);
        self.mark_for_someone(tokens, drafts);
        self.take_back(tokens, drafts, retractions);
    }

    fn flags(&self, tokens: &Tokens, k: usize) -> u32 {
        if tokens.list[k].kind != TokenKind::Word {
            return 0;
        }
        tokens.info[k].flags
    }

    /// Whether token `k` starts a mention of a person other than the writer, and where that
    /// mention ends: "flatmate", "my little brother", "other half".
    fn person_at(&self, tokens: &Tokens, k: usize) -> Option<usize> {
        self.mention_at(tokens, k, word::PERSON)
    }

    /// Whether token `k` starts a mention, after determiners, of a word with `flag`, and
    /// where it ends: a person ("my little brother") or an occasion ("the party").
    fn mention_at(&self, tokens: &Tokens, k: usize, flag: u32) -> Option<usize> {
        // Most words start no mention: only a determiner or the word itself can.
        let w = tokens.text(k);
        let possessive = w.ends_with('s') && tokens.list[k].orig.len() > w.len();
        if !is_determiner(w)
            && tokens.info[k].flags & (flag | word::PERSON_FIRST) == 0
            && !possessive
        {
            return None;
        }
        let mut j = k;
        while j < tokens.list.len()
            && j < k + 3
            && tokens.list[j].kind == TokenKind::Word
            && is_determiner(tokens.text(j))
        {
            j += 1;
        }
        if j >= tokens.list.len() || tokens.list[j].kind != TokenKind::Word {
            return None;
        }
        if self.flags(tokens, j) & flag != 0 {
            return Some(j);
        }
        // An occasion may have a word before it: "the dinner party", "the bake sale".
        if flag == word::LATER
            && j + 1 < tokens.list.len()
            && tokens.list[j + 1].kind == TokenKind::Word
            && self.flags(tokens, j + 1) & flag != 0
        {
            return Some(j + 1);
        }
        // "hubby's doing a fry-up": a person with an apostrophe-s (the word as typed is
        // longer than its normal form by the apostrophe).
        let w = tokens.text(j);
        let with_apostrophe = tokens.list[j].orig.len() > w.len();
        if let Some(owner) = w.strip_suffix('s').filter(|_| with_apostrophe) {
            if self.word(owner).flags & flag != 0 {
                return Some(j);
            }
        }
        if j + 1 < tokens.list.len() && tokens.info[j].flags & word::PERSON_FIRST != 0 {
            let pair = format!("{} {}", tokens.text(j), tokens.text(j + 1));
            if self.word(&pair).flags & flag != 0 {
                return Some(j + 1);
            }
        }
        None
    }

    /// Whether a subject ending at `end` is followed by its verb.
    fn verb_follows(&self, tokens: &Tokens, end: usize) -> bool {
        (end + 1..(end + 1 + VERB_REACH).min(tokens.list.len()))
            .take_while(|&k| tokens.list[k].kind == TokenKind::Word)
            .any(|k| self.flags(tokens, k) & word::SUBJECT_VERB != 0)
    }

    /// Whether token `k` starts a plan: a plan word, or a word that is one before "to"
    /// ("going to", "want to"). "ill" and "well" count only as "I'll" and "we'll".
    fn plan_at(&self, tokens: &Tokens, k: usize, text: &str) -> bool {
        let flags = self.flags(tokens, k);
        if flags & word::PLAN != 0 {
            let w = tokens.text(k);
            if matches!(w, "ill" | "well") {
                let orig = &text[tokens.list[k].orig.clone()];
                return orig.contains(['\'', '’']);
            }
            return true;
        }
        // "want to log a banana" is about the diary, not a wish for a banana.
        let about_the_diary = k + 2 < tokens.list.len()
            && matches!(
                tokens.text(k + 2),
                "log" | "add" | "record" | "track" | "note" | "enter" | "save" | "report"
            );
        flags & word::PLAN_BEFORE_TO != 0
            && k + 1 < tokens.list.len()
            && tokens.text(k + 1) == "to"
            && !about_the_diary
    }

    /// `text` is the message, to tell "I'll" from "ill".
    fn mark_by_clause(&self, text: &str, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        let mut someone_else = false;
        let mut plan = false;
        let mut served = false;
        // The writer named themselves in this clause: "I finished her chips" were theirs.
        let mut writer_spoke = false;
        // A past verb of eating came in this clause, and where the clause began.
        let mut ate = false;
        let mut clause_start = 0;
        let mut next_draft = 0;
        let mut k = 0;
        while k < tokens.list.len() {
            // Foods starting here take the clause's state.
            while next_draft < drafts.len() && drafts[next_draft].first <= k {
                if drafts[next_draft].first == k {
                    let why = if someone_else || served {
                        Some(NotEaten::SomeoneElse)
                    } else if plan {
                        Some(NotEaten::Plan)
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        drafts[next_draft].item.mark_not_eaten(why);
                    }
                }
                next_draft += 1;
            }
            let flags = self.flags(tokens, k);
            if ends_sentence(tokens, k) || flags & word::CLAUSE_BREAK != 0 {
                (someone_else, plan, served, writer_spoke, ate) =
                    (false, false, false, false, false);
                clause_start = k + 1;
                k += 1;
                continue;
            }
            if tokens.list[k].kind != TokenKind::Word {
                k += 1;
                continue;
            }
            let after_company = k > 0 && self.flags(tokens, k - 1) & word::COMPANY != 0;
            if flags & word::OTHERS != 0 && !writer_spoke {
                self.mark_possessed(tokens, k, drafts);
            }
            if flags & word::FIRST_PERSON != 0 {
                someone_else = false;
                served = false;
                writer_spoke = true;
            } else if let Some(end) = self.person_at(tokens, k) {
                // "gave my fries to my little brother": company, not the subject; the whole
                // mention is passed over.
                if after_company {
                    k = end + 1;
                    continue;
                }
                let with_writer = end + 2 < tokens.list.len()
                    && tokens.text(end + 1) == "and"
                    && self.flags(tokens, end + 2) & word::FIRST_PERSON != 0;
                if with_writer {
                    someone_else = false;
                } else if self.verb_follows(tokens, end) {
                    someone_else = true;
                }
                k = end + 1;
                continue;
            } else if flags & word::THIRD_PERSON != 0
                && !after_company
                && self.verb_follows(tokens, k)
            {
                someone_else = true;
            }
            if flags & word::SERVING_VERB != 0 && k + 1 < tokens.list.len() {
                if let Some(end) = self.person_at(tokens, k + 1) {
                    served = true;
                    k = end + 1;
                    continue;
                }
            }
            if flags & (word::ATE | word::NOW) != 0 {
                plan = false;
                served = false;
                ate |= flags & word::ATE != 0;
            }
            // "pizza later", "curry night later": with no verb of eating, still to come (back
            // to the last comma: "porridge, takeaway later" had the porridge).
            if !ate && matches!(tokens.text(k), "later" | "tmrw" | "tomorrow") {
                let from = (clause_start..k)
                    .rev()
                    .find(|&j| breaks_clause(tokens, j))
                    .map_or(clause_start, |j| j + 1);
                for draft in drafts.iter_mut().filter(|d| d.first >= from && d.last < k) {
                    draft.item.mark_not_eaten(NotEaten::Plan);
                }
            }
            if self.plan_at(tokens, k, text) {
                plan = true;
            }
            k += 1;
        }
    }

    /// "a cake for my mum", "ordered pizza for the kids", "prosecco for saturday": the food
    /// just before "for" a person other than the writer, or an occasion to come, was not
    /// eaten now.
    fn mark_for_someone(&self, tokens: &Tokens, drafts: &mut [Draft<'_>]) {
        for k in 0..tokens.list.len().saturating_sub(1) {
            let word = tokens.text(k);
            if tokens.list[k].kind != TokenKind::Word || !matches!(word, "for" | "to") {
                continue;
            }
            let later = self.mention_at(tokens, k + 1, word::LATER).is_some();
            // "to" only with an occasion: "a bottle of red to the party"; "to my mum" is
            // a retraction's business ("gave it to").
            if (word == "to" || self.person_at(tokens, k + 1).is_none()) && !later {
                continue;
            }
            let why = if later {
                NotEaten::Plan
            } else {
                NotEaten::SomeoneElse
            };
            if let Some(i) = drafts.iter().rposition(|d| d.last < k) {
                let near = (drafts[i].last + 1..k).all(|j| !breaks_clause(tokens, j))
                    && k - drafts[i].last <= 4;
                if near {
                    drafts[i].item.mark_not_eaten(why);
                }
            }
            // "takeaway for the team (6 burgers)": what the brackets after them hold.
            let end = self
                .person_at(tokens, k + 1)
                .or_else(|| self.mention_at(tokens, k + 1, word::LATER));
            if let Some(end) = end.filter(|&end| end + 1 < tokens.list.len()) {
                if tokens.is_punct(end + 1, '(') {
                    let close = (end + 2..tokens.list.len())
                        .find(|&j| tokens.is_punct(j, ')'))
                        .unwrap_or(tokens.list.len());
                    for draft in drafts
                        .iter_mut()
                        .filter(|d| d.first > end && d.last < close)
                    {
                        draft.item.mark_not_eaten(why);
                    }
                }
            }
        }
    }

    /// "his tea", "her chips": the food after a possessive at `k` (across describing words)
    /// is someone else's, and so is a food put in it ("two sugars in his tea").
    fn mark_possessed(&self, tokens: &Tokens, k: usize, drafts: &mut [Draft<'_>]) {
        // "a few of her chips": some of hers, which the writer ate.
        if k > 0 && tokens.text(k - 1) == "of" {
            return;
        }
        let Some(owned) = drafts.iter().position(|d| d.first > k) else {
            return;
        };
        let close = (k + 1..drafts[owned].first).all(|j| {
            tokens.list[j].kind == TokenKind::Word
                && self.flags(tokens, j) & (word::ADJECTIVE | word::NUMBER) != 0
        });
        if !close {
            return;
        }
        drafts[owned].item.mark_not_eaten(NotEaten::SomeoneElse);
        let put_in = k > 0 && matches!(tokens.text(k - 1), "in" | "on" | "into" | "with");
        if let Some(before) = owned.checked_sub(1).filter(|_| put_in) {
            if k - 1 - drafts[before].last <= 1 {
                drafts[before].item.mark_not_eaten(NotEaten::SomeoneElse);
            }
        }
    }

    /// Retractions ("but cancelled it", "never arrived") take back the food named before
    /// them: every food since the verb that got it ("ordered pizza and wings but cancelled"),
    /// or the nearest one when no such verb came before.
    fn take_back(&self, tokens: &Tokens, drafts: &mut [Draft<'_>], retractions: &[(usize, usize)]) {
        for &(first, last) in retractions {
            // "cancelled the pizza": right before its food, it is a negation, read as one.
            let food_follows = drafts.iter().find(|d| d.first > last).is_some_and(|d| {
                d.first <= last + 3
                    && (last + 1..d.first).all(|k| {
                        matches!(tokens.text(k), "the" | "my" | "our" | "a" | "an" | "their")
                    })
            });
            if food_follows {
                continue;
            }
            let Some(nearest) = drafts.iter().rposition(|d| {
                d.last < first && (d.last + 1..first).all(|k| !ends_sentence(tokens, k))
            }) else {
                continue;
            };
            let verb = (0..drafts[nearest].first)
                .rev()
                .take_while(|&k| !ends_sentence(tokens, k))
                .find(|&k| self.flags(tokens, k) & (word::SERVING_VERB | word::ATE) != 0);
            let from = verb
                .and_then(|verb| drafts.iter().position(|d| d.first > verb))
                .unwrap_or(nearest);
            for draft in &mut drafts[from..=nearest] {
                draft.item.mark_not_eaten(NotEaten::TakenBack);
            }
        }
    }
}
