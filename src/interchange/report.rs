//! Reports of what an import or export did not keep, as people read them: one line per kind
//! with counts and the first few places ("JSONL cannot express page breaks: 2,006 in 415
//! documents, e.g. …"), and the full list, one line per item, for a file.

use std::collections::{BTreeSet, HashMap};

/// How many places a grouped line names.
pub const EXAMPLES: usize = 3;

/// One thing not kept (or kept only in part), at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What was not kept, as a reader groups it ("JSONL cannot express page breaks",
    /// "TEI <milestone unit=\"card\"> not kept").
    pub kind: String,
    /// How many at this place (3 page breaks of one document: 3).
    pub count: usize,
    /// The document or file it is in ("" when none).
    pub document: String,
    /// Where in it: an annotation, a line; "" for the document as a whole.
    pub place: String,
}

impl Item {
    /// Where the item is, as a line names it: the place, else the quoted document.
    pub fn at(&self) -> String {
        match (self.place.is_empty(), self.document.is_empty()) {
            (false, _) => self.place.clone(),
            (true, false) => format!("\"{}\"", self.document),
            (true, true) => String::new(),
        }
    }

    /// The item as one line of the full list.
    pub fn line(&self) -> String {
        let at = self.at();
        let count = if self.count > 1 {
            format!(" ({})", self.count)
        } else {
            String::new()
        };
        if self.place.is_empty() && !self.document.is_empty() {
            format!("{}{count} of \"{}\"", self.kind, self.document)
        } else if at.is_empty() {
            format!("{}{count}", self.kind)
        } else {
            format!("{}{count}: {at}", self.kind)
        }
    }
}

/// The items of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub kind: String,
    /// The items' counts added up.
    pub count: usize,
    /// How many documents (or files) they are in.
    pub documents: usize,
    /// The first [`EXAMPLES`] places, in order.
    pub examples: Vec<String>,
    /// How many items the group has.
    pub items: usize,
    /// The first item's own line ([`Item::line`]), shown when it is the only one.
    pub first: String,
}

impl Group {
    /// `"<kind>: <where>"` for one item; else `"<kind>: 2,006 in 415 documents, e.g. A; B; C"`.
    pub fn line(&self) -> String {
        if self.items == 1 {
            return self.first.clone();
        }
        let docs = match self.documents {
            0 => String::new(),
            1 => " in 1 document".to_owned(),
            n => format!(" in {} documents", thousands(n)),
        };
        let mut line = format!("{}: {}{docs}", self.kind, thousands(self.count));
        let shown: Vec<&str> = self
            .examples
            .iter()
            .map(String::as_str)
            .filter(|e| !e.is_empty())
            .collect();
        if !shown.is_empty() {
            line.push_str(", e.g. ");
            line.push_str(&shown.join("; "));
            if self.items > shown.len() {
                line.push_str(" …");
            }
        }
        line
    }
}

/// `n` with thousands separated by commas: 2,006.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The items grouped by kind, in order of each kind's first item.
pub fn group(items: &[Item]) -> Vec<Group> {
    let mut order: Vec<Group> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut docs: Vec<BTreeSet<&str>> = Vec::new();
    for it in items {
        let i = *at.entry(it.kind.as_str()).or_insert_with(|| {
            order.push(Group {
                kind: it.kind.clone(),
                count: 0,
                documents: 0,
                examples: Vec::new(),
                items: 0,
                first: it.line(),
            });
            docs.push(BTreeSet::new());
            order.len() - 1
        });
        let g = &mut order[i];
        g.count += it.count.max(1);
        g.items += 1;
        if g.examples.len() < EXAMPLES {
            g.examples.push(it.at());
        }
        if !it.document.is_empty() {
            docs[i].insert(it.document.as_str());
        }
    }
    for (g, d) in order.iter_mut().zip(docs) {
        g.documents = d.len();
    }
    order
}

/// The grouped lines.
pub fn grouped_lines(items: &[Item]) -> Vec<String> {
    group(items).iter().map(Group::line).collect()
}

/// The full list, one line per item, each kind's items together (kinds in order of first
/// appearance), with a heading line per kind giving its total.
pub fn full_text(title: &str, items: &[Item]) -> String {
    let mut out = format!("{title}\n");
    if items.is_empty() {
        out.push_str("Nothing was left out.\n");
        return out;
    }
    for g in group(items) {
        out.push_str(&format!(
            "\n{} — {} in {} item(s)\n",
            g.kind,
            thousands(g.count),
            thousands(g.items)
        ));
        for it in items.iter().filter(|i| i.kind == g.kind) {
            out.push_str("  ");
            out.push_str(&it.line());
            out.push('\n');
        }
    }
    out
}

/// An export omission sentence as an [`Item`]: `"<kind>: <place>"` (the document the last
/// `in "…"` of the place), `"<kind> (n) of \"<document>\""`, `"<kind> of \"<document>\""`,
/// else the whole sentence as its kind.
pub fn parse_sentence(line: &str) -> Item {
    if let Some((kind, place)) = line.split_once(": ") {
        let document = place
            .rfind(" in \"")
            .map(|i| place[i + 5..].trim_end_matches('"').to_owned())
            .unwrap_or_default();
        return Item {
            kind: kind.to_owned(),
            count: 1,
            document,
            place: place.to_owned(),
        };
    }
    if let Some(i) = line.find(" of \"")
        && line.ends_with('"')
    {
        let document = line[i + 5..line.len() - 1].to_owned();
        let head = &line[..i];
        // "page breaks (3)": the count in brackets.
        if let Some(open) = head.rfind(" (")
            && head.ends_with(')')
            && let Ok(n) = head[open + 2..head.len() - 1].parse::<usize>()
        {
            return Item {
                kind: head[..open].to_owned(),
                count: n,
                document,
                place: String::new(),
            };
        }
        return Item {
            kind: head.to_owned(),
            count: 1,
            document,
            place: String::new(),
        };
    }
    Item {
        kind: line.to_owned(),
        count: 1,
        document: String::new(),
        place: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_group_by_kind_with_counts_and_first_places() {
        let mut lines = Vec::new();
        for d in 0..415 {
            lines.push(format!(
                "JSONL cannot express page breaks (5) of \"Doc {d}\""
            ));
            lines.push(format!(
                "JSONL cannot express the archival description of \"Doc {d}\""
            ));
        }
        lines.push("JSONL cannot express a note: Person 0190 in \"Doc 7\"".to_owned());
        let items: Vec<Item> = lines.iter().map(|l| parse_sentence(l)).collect();
        let g = grouped_lines(&items);
        assert_eq!(
            g,
            vec![
                "JSONL cannot express page breaks: 2,075 in 415 documents, e.g. \"Doc 0\"; \"Doc 1\"; \"Doc 2\" …",
                "JSONL cannot express the archival description: 415 in 415 documents, e.g. \"Doc 0\"; \"Doc 1\"; \"Doc 2\" …",
                "JSONL cannot express a note: Person 0190 in \"Doc 7\"",
            ]
        );
        let full = full_text("Export", &items);
        assert_eq!(full.lines().count(), 1 + 3 * 2 + 415 * 2 + 1);
        assert!(full.contains("  JSONL cannot express page breaks (5) of \"Doc 414\"\n"));
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(519_387), "519,387");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
