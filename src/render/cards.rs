//! The card of each article as a template value, made the first time a page shows it and
//! shared by every page that does (its listings, and the pages of its neighbours): one
//! value, so that `cached_each` finds the card's HTML again by it (`fragments`).
//!
//! A full build renders its pages in batches that show ever older articles, and after
//! each batch lets go of the cards no page of the last few batches showed (`advance`): a
//! card in full is ~1.9 KB as a template value, and an archive of 100,000 articles keeps
//! only the few thousand around the batch being rendered. A card let go of and shown
//! again is made again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use tera::Value;

use super::order::KEPT_FOR;

/// One slot per article, in archive order.
pub struct Cards {
    slots: Vec<Mutex<Option<Value>>>,
    /// The `advance` count when each card was last shown.
    used: Vec<AtomicU32>,
    epoch: AtomicU32,
}

impl Cards {
    /// Empty slots for `count` articles.
    pub fn new(count: usize) -> Cards {
        Cards {
            slots: (0..count).map(|_| Mutex::new(None)).collect(),
            used: (0..count).map(|_| AtomicU32::new(0)).collect(),
            epoch: AtomicU32::new(0),
        }
    }

    /// How many articles there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// The card of article `i`, made by `make` if it is not held.
    pub fn get(&self, i: usize, make: impl FnOnce() -> Value) -> Value {
        let now = self.epoch.load(Ordering::Relaxed);
        if self.used[i].load(Ordering::Relaxed) != now {
            self.used[i].store(now, Ordering::Relaxed);
        }
        let mut slot = self.slots[i].lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(make).clone()
    }

    /// Lets go of the cards no page has shown in the last `KEPT_FOR` batches.
    pub fn advance(&self) {
        let now = self.epoch.fetch_add(1, Ordering::Relaxed) + 1;
        for (slot, used) in self.slots.iter().zip(&self.used) {
            if used.load(Ordering::Relaxed) + KEPT_FOR < now
                && let Ok(mut slot) = slot.lock()
            {
                *slot = None;
            }
        }
    }

    /// How many cards are held.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.lock().is_ok_and(|s| s.is_some()))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_made_once_shared_and_let_go_of_when_no_batch_shows_it() {
        let cards = Cards::new(3);
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Value::from("card")
        };
        let first = cards.get(0, make);
        let again = cards.get(0, make);
        assert_eq!(made.get(), 1);
        assert_eq!(first, again);
        cards.get(1, make);
        for _ in 0..KEPT_FOR {
            cards.get(1, make);
            cards.advance();
        }
        assert_eq!(cards.held(), 2);
        cards.get(1, make);
        cards.advance();
        assert_eq!(cards.held(), 1, "card 0, unshown for {KEPT_FOR} batches, is let go of");
        cards.get(0, make);
        assert_eq!(made.get(), 3, "and made again when shown again");
    }
}
