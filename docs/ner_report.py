"""Write docs/ner.md from the shipped model's metrics.json (run by `make train-ner`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "tui" / "newsreader" / "core" / "ner" / "model"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

INTRO = """\
# Named entities

newsreader marks people (`PER`), places (`LOC`), organisations (`ORG`) and other names (`MISC`:
events, products, works, nationalities used as names) in every article. The recognizer is a
conditional random field (python-crfsuite) trained by this project and shipped inside the package
(`newsreader/core/ner/model/`); nothing is downloaded at run time.

## How it works

1. **Tokens and sentences** (`core/ner/tokenize.py`): words keep inner hyphens, apostrophes and
   dots (`Kim Jong-un`, `36.000`); sentences end at `. ! ?` except after abbreviations, initials
   and ordinals, and at line breaks.
2. **Features** (`core/ner/features.py`): the word, its shape (`Xxxx`, `XX-dd`), prefixes and
   suffixes, the two words on each side, capitalisation that means something in German (a
   capitalised word inside a sentence is a noun or a name; at the sentence start it is neither
   evidence), hyphenated compounds, a **gazetteer** (names from the training split plus the German
   names of countries and territories from the Unicode CLDR, via Babel) and **word clusters**:
   Brown clusters and frequency bands of the 250,000 most frequent German words from spaCy's
   lexeme data (`spacy-lookups-data`). Clusters tell the model that an unseen `Stoltenberg` is used
   like `Merkel` and `Putin`, which is what a small training set cannot teach.
3. **Jackknifed gazetteer**: while training, each fifth of the documents gets features from a
   gazetteer built from the other four fifths, so the model learns how far to trust a lexicon that
   does not know every name.
4. **Document consistency** (`core/ner/crf.py`): a name tagged once is tagged at its other mentions
   in the article (majority type); the surname of a tagged person counts as a name; two known people
   run together (`empfing Putin Kim`) are split, and so is a name that stands alone in the article
   and begins another person's full name (`gratulierte Xi Jinping Kim`, with `Kim Jong Un` and `Kim`
   elsewhere); a person's name of two or more words takes a following capitalised word of two to
   four letters that is rare in German (`Kim Jong` + `Un`), the syllables East Asian given names
   end in.
5. **Linking** (`core/ner/link.py`): genitives map to the base form (`Putins` → `Putin`,
   `Russlands` → `Russland`) when the base is a known name or a more frequent word; a lone surname
   links to the one full name in the article that ends with it (`Putin` → `Wladimir Putin`), else to
   the one full name that starts with it (`Kim` → `Kim Jong Un`); across the collection, spellings
   whose folded forms match merge (`Kim Jong Un` / `Kim Jong-un`), and near spellings merge only if
   every word is within an edit distance that grows with its length (0 below 5 letters, 1 below 9,
   else 2), so `Kim Jong Un`, `Kim Jong Il` and `Kim Young-ho` stay three people.
6. **Cache**: mentions are stored per article text and recognizer version in
   `entities.sqlite` in the user cache folder; a relaunch does not run the recognizer on unchanged
   articles. A cache that cannot be read is moved aside (`entities.sqlite.broken-…`) and rebuilt.

## Training data and labels

Only `../shared/ner` is used:

- GermEval 2014 NER, dev split and the first part of the test split (CC BY 4.0; Benikova,
  Biemann, Reznicek 2014). The outer level is used: `PER`, `LOC`, `ORG` keep their type, `OTH`
  becomes `MISC`; the `…deriv` labels (`deutschen`) and `…part` labels (`EU-weit`) become `O`:
  a derived adjective or a compound that contains a name is not a name to highlight. An `I-` that
  follows such a label starts a new span.
- DFKI SmartData corpus (CC BY 4.0; Schiersch et al. 2018). `person` → PER; `location` and every
  `location-*` (city, street, stop, route) → LOC; `organization` and `organization-company` → ORG;
  all other types → O. Spans starting with a lower-case letter (`italienische`) are derivations
  and become O. SmartData has no MISC.

Lexicon data, used only at training time and shipped as derived model files:
Unicode CLDR territory names via Babel (Unicode licence / BSD-3-Clause) and spaCy's German lexeme
clusters and probabilities from `spacy-lookups-data` (MIT).

The split: every document (a GermEval sentence's source line, a SmartData document) is assigned
by a hash of its key; one in five goes to **validation**, which neither the model nor the
gazetteer sees. `make train-ner` reproduces the model byte for byte (training does not depend on
Python's per-process hash order; two runs with different `PYTHONHASHSEED` gave identical files)
and this page.

## Evaluation

Exact span match: a predicted entity counts only when start, end and type all equal the gold
entity. `python -m newsreader.ner.evaluate --germeval FILE` prints the same figures as JSON for
any GermEval-format TSV (each sentence is its own document there).
"""


def table(rep: dict) -> str:
    rows = ["| type | precision | recall | F1 | gold entities |", "|---|---:|---:|---:|---:|"]
    for kind in ("PER", "LOC", "ORG", "MISC", "overall"):
        r = rep[kind]
        name = f"**{kind}**" if kind == "overall" else kind
        rows.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |")
    return "\n".join(rows)


def main() -> None:
    m = json.loads((MODEL / "metrics.json").read_text(encoding="utf-8"))
    v = m["validation"]
    sizes = m["sizes"]
    parts = [INTRO]
    parts.append(f"Validation split: {sizes['validation_sentences']:,} sentences, "
                 f"{sizes['validation_tokens']:,} tokens; training: {sizes['train_sentences']:,} sentences, "
                 f"{sizes['train_tokens']:,} tokens. Training took {m['train_seconds']} s "
                 f"(L-BFGS, c1={m['params']['c1']}, c2={m['params']['c2']}, "
                 f"{m['params']['max_iterations']} iterations).\n")
    parts.append("### Whole validation split (GermEval + SmartData)\n\n" + table(v["all"]) + "\n")
    parts.append("### GermEval part of the validation split\n\n" + table(v["germeval"]) + "\n")
    parts.append("### SmartData part of the validation split\n\n" + table(v["smartdata"]) + "\n")
    parts.append(
        "Read the GermEval table as the harder, broader figure: its sentences come from many kinds of "
        "text and it is the only part with MISC. MISC is the weak type: only GermEval labels it, and "
        "SmartData's unlabelled product and event names teach the model to leave such names alone.\n")
    parts.append("## Files\n\n| file | what | sha256 |\n|---|---|---|")
    parts.append(f"| `model/de-ner.crfsuite` | the CRF | `{_sha256(MODEL / 'de-ner.crfsuite')}` |")
    parts.append(f"| `model/gazetteer.json` | {sizes['gazetteer_entries']:,} names "
                 f"({sizes['cldr_territories']} from CLDR) | `{_sha256(MODEL / 'gazetteer.json')}` |")
    parts.append(f"| `model/lexicon.bin` | {sizes.get('lexicon_words', 0):,} words with cluster and band "
                 f"(sorted UTF-8 words, offsets, cluster ids, bands; see `features.Lexicon`) "
                 f"| `{_sha256(MODEL / 'lexicon.bin')}` |")
    parts.append("\nTraining data checksums (sha256):\n")
    for name, sha in m["data_sha256"].items():
        parts.append(f"- `{name}`: `{sha}`")
    parts.append("\n## Optional spaCy backend\n\n"
                 "If you installed spaCy and a German model yourself, `newsreader --ner spacy:de_core_news_lg` "
                 "(or `ner = \"spacy:de_core_news_lg\"` in `config.toml`, see the guide) uses it instead. "
                 "Its labels are mapped to ours (PER/PERSON → PER; LOC/GPE/FAC → LOC; ORG → ORG; "
                 "MISC/NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE → MISC; others dropped). When spaCy or "
                 "the model is missing, newsreader says so and uses the built-in recognizer. spaCy is not a "
                 "dependency of newsreader.\n")
    (ROOT / "docs" / "ner.md").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
