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
conditional random field trained by this project with python-crfsuite and shipped inside the
package (`newsreader/core/ner/model/`); nothing is downloaded at run time. Tagging does not use
python-crfsuite: `core/ner/decode.py` reads the model file into numpy arrays, sums each word's
weights once per label (for the word itself and for what its neighbours take from it), and runs
Viterbi and the marginals over all sentences of a batch of articles at once. It gives CRFsuite's
labels and marginals (tests compare them). It keeps the vectors of 30,000 words, then the half
used most (about 25 MB).

## How it works

1. **What is read** (`core/article.py`: `ner_texts`): an article's title and the first 200,000
   characters of its body, with its **boilerplate lines blanked out** (offsets kept): photo
   credits and captions that end in one (`Bild: …`, `(Foto: …)`, `© Reuters. …`,
   `… REUTERS/…/Pool`), agency lines (`(dpa)`, `dpa/AFP/lw`, `Mit Material von …`,
   `Quelle: n-tv.de`), bylines and gallery counters (`core/metadata.py`, general rules). The
   reader shows them dimmed; no name is found in them, so none is listed or counted (no place
   `POOL` from a credit; the photographer is not a person of the story).
2. **Tokens and sentences** (`core/ner/tokenize.py`): words keep inner hyphens, apostrophes and
   dots (`Kim Jong-un`, `36.000`); sentences end at `. ! ?` except after abbreviations, initials
   and ordinals, and at line breaks.
3. **Features** (`core/ner/features.py`): the word, its shape (`Xxxx`, `XX-dd`), prefixes and
   suffixes, the two words on each side, capitalisation that means something in German (a
   capitalised word inside a sentence is a noun or a name; at the sentence start it is neither
   evidence), hyphenated compounds, a **gazetteer** and **word clusters**: Brown clusters and
   frequency bands of the 250,000 most frequent German words from spaCy's lexeme data
   (`spacy-lookups-data`). Clusters tell the model that an unseen `Stoltenberg` is used like
   `Merkel` and `Putin`, which is what a small training set cannot teach.
4. **Gazetteer**: the names of the training split, the German names of countries and territories
   from the Unicode CLDR (via Babel), and the names of two other corpora, WikiANN (Wikipedia link
   anchors) and LER (court decisions), as types of their own (`xPER`, `xLOC`, `xORG`), so that
   the model learns how far to trust each kind of list. Only their names are used: their
   sentences are not trained on (see the experiments below). While training, each fifth of the
   documents gets features from a gazetteer built from the other four fifths (jackknife), so the
   model learns how far to trust a lexicon that does not know every name.
5. **Sure names only** (`core/ner/crf.py`): a name the model finds is dropped when the marginal
   probability of any of its words' labels is below one half, i.e. when the model itself thinks
   the name more likely wrong than right. On the validation split this raised precision by
   about three points (GermEval 0.768 → 0.796, SmartData 0.790 → 0.806) for half a point of F1
   on GermEval (0.678 → 0.674; SmartData 0.785 → 0.789).
6. **Document consistency** (`core/ner/crf.py`): a name tagged once is tagged at its other mentions
   in the article (majority type); the surname of a tagged person counts as a name; two known people
   run together (`empfing Putin Kim`) are split, and so is a name that stands alone in the article
   and begins another person's full name (`gratulierte Xi Jinping Kim`, with `Kim Jong Un` and `Kim`
   elsewhere); a person's name of two or more words takes a following capitalised word of two to
   four letters that is rare in German (`Kim Jong` + `Un`), the syllables East Asian given names
   end in; a place of one word ending in `-er` before a noun whose stem is a known place
   (`der Moskauer Angriffskrieg`) is an adjective, no name; after a title or role (`US-Außenminister`, `Kremlsprecher`, `Frau`) a person's name of
   one word takes the capitalised word after it, or before it, when that word is rare in German
   (`Antony` + `Blinken`).
7. **Linking** (`core/ner/link.py`): genitives map to the base form (`Putins` → `Putin`,
   `Russlands` → `Russland`) when the base is a known name or a more frequent word; a lone surname
   links to the one full name in the article that ends with it (`Putin` → `Wladimir Putin`), else to
   the one full name that starts with it (`Kim` → `Kim Jong Un`); across the collection, spellings
   whose folded forms match merge (`Kim Jong Un` / `Kim Jong-un`), and near spellings merge only if
   every word is within an edit distance that grows with its length (0 below 5 letters, 1 below 9,
   else 2), so `Kim Jong Un`, `Kim Jong Il` and `Kim Young-ho` stay three people.
8. **Store**: the names of each article are found once per text and recognizer version and kept
   in the collection's index (`core/search`); a relaunch does not run the recognizer on unchanged
   articles.

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
- Names only, for the gazetteer (`model/gazetteer.json` holds them): WikiANN German (Pan et al.
  2017, the split of Rahimi et al. 2019: all three parts; no licence is stated for the labels, the
  text is Wikipedia's, CC BY-SA) and the German Legal Entity Recognition corpus (Leitner,
  Moreno-Schneider, Rehm 2019; CC BY 4.0, as its README and dataset card state), its fine classes
  mapped as its SOURCE.txt gives (PER ← PER, RR, AN; LOC ← LD, ST, STR, LDS; ORG ← ORG, UN, INN,
  GRT, MRK; the legal norms dropped).

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

# The model shipped before issue 21 (df933b7): its validation figures, beside today's.
BEFORE = {
    "germeval": {"PER": (0.8106, 0.6751, 0.7367), "LOC": (0.7569, 0.7172, 0.7365), "ORG": (0.6433, 0.5, 0.5627),
                 "MISC": (0.6857, 0.1951, 0.3038), "overall": (0.7472, 0.5922, 0.6607)},
    "smartdata": {"PER": (0.6831, 0.8098, 0.7411), "LOC": (0.8641, 0.8599, 0.862), "ORG": (0.6796, 0.5801, 0.6259),
                  "MISC": (0.0, 0.0, 0.0), "overall": (0.7847, 0.7741, 0.7794)},
}

EXPERIMENTS = """\
## Experiments (issue 21)

Every figure is F1 (and precision) on the validation split as above, GermEval part / SmartData
part, one training run each on this machine (2026-12-03). Differences below about 0.01 are within
what another run or another split could give (the GermEval part has 1,003 entities). Rows with
a `+` add to the rows above; the gazetteer trials (`…`) ran before the role rule was added.

| what | GermEval F1 (P) | SmartData F1 (P) | kept? |
|---|---|---|---|
| the model before (df933b7) | 0.661 (0.747) | 0.779 (0.785) | |
| + a one-word person after a role takes its rare neighbour (same model) | 0.662 (0.748) | 0.779 (0.785) | yes |
| + WikiANN names in the gazetteer as `x` types | 0.666 (0.753) | 0.783 (0.785) | |
| + WikiANN and LER names as `x` types | 0.677 (0.764) | 0.787 (0.789) | **yes** |
| + a place of one word ending in `-er` before a noun, its stem a known place (`Moskauer Angriffskrieg`), is no name (same model) | 0.678 (0.768) | 0.785 (0.790) | yes |
| + a name the model is less than 0.5 sure of (the lowest marginal of its words' labels) is dropped before document consistency (same model) | 0.674 (0.796) | 0.789 (0.806) | **yes** |
| … the same at 0.4 / 0.6 | 0.678 (0.779) / 0.668 (0.819) | 0.786 (0.794) / 0.787 (0.823) | no |
| … (with the threshold) CLDR's German currency names and their last words as `MISC` in the gazetteer (GermEval labels `Euro` OTH: 9 of the GermEval part's missed MISC) | 0.675 (0.795) | 0.787 (0.806) | no (MISC 0.305 → 0.291) |
| … (with the threshold) 300 L-BFGS iterations / c2 0.1 | 0.670 (0.790) / 0.671 (0.798) | 0.786 (0.802) / 0.786 (0.804) | no |
| … (with the threshold) only WikiANN/LER names seen twice or more (7,631 instead of 40,041; the file 0.39 MB instead of 1.35) | 0.677 (0.805) | 0.782 (0.799) | no: SmartData lower |
| … and Europeana's names too | 0.667 (0.758) | 0.781 (0.780) | no |
| … WikiANN and LER as types of their own each (`wPER`, `lPER`) | 0.671 (0.760) | 0.785 (0.787) | no |
| … without single words frequent in German (lexicon band < 11) | 0.673 (0.760) | 0.782 (0.782) | no |
| … and LER's legal norms and literature (GS, VO, EUN, VS, VT, LIT) as `xMISC` | 0.671 (0.758) | 0.779 (0.783) | no |
| … CRF c1 0.05 / c1 0.3 / c2 0.01 (shipped: c1 0.15, c2 0.05) | 0.669 / 0.675 / 0.671 | 0.785 / 0.782 / 0.781 | no |
| the shipped model with document consistency and the rules around it turned off (for comparison) | 0.673 (0.763) | 0.785 (0.797) | |
| all 20,000 WikiANN sentences added to the training (an earlier session) | 0.638 (0.662) | | no |
| a BiLSTM-CRF alone (char CNN, word, cluster, band, shape, gazetteer inputs; hidden 128), no document consistency | 0.701 (0.745) | 0.780 (0.777) | no |
| the CRF and that BiLSTM-CRF as one model (their label scores and transitions added), hidden 128 | 0.705 (0.793) | 0.790 (0.794) | not yet: see below |
| the same with hidden 64 (weights of the BiLSTM 1 / 2 / 3 / 5) | 0.689 / 0.696 / 0.693 / 0.691 | 0.795 / 0.794 / 0.791 / 0.782 | not yet |

The neural tagger was trained with PyTorch (Adam, 20 epochs, the epoch chosen on a tenth of the
training documents) and run with numpy (its scores equal PyTorch's to 2e-6). Together with the CRF
it is the best model measured here, but it is not shipped yet. In one run of the reader on
10,000 files, cold (bench_collection's probe), with the hidden-64 model in the name-finding
children, names were complete after 96 s and the children peaked at 490 MB together; the
shipped CRF took 26.2 s and 186 MB in docs/benchmarks.md's run. That would undo the collection
pipeline's targets (issue 20: 40 s, 400 MB in all). Tagging alone (300 10kGNAD articles, one
process, every word new) ran at about 52,000-58,000 tokens/s with the hidden-64 model and
39,000 with hidden 128, against 110,000 for the CRF alone, on a machine busy with training.
Its code is kept on the branch `neural-wip` until it is fast and small enough.
"""


def table(rep: dict) -> str:
    rows = ["| type | precision | recall | F1 | gold entities |", "|---|---:|---:|---:|---:|"]
    for kind in ("PER", "LOC", "ORG", "MISC", "overall"):
        r = rep[kind]
        name = f"**{kind}**" if kind == "overall" else kind
        rows.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['support']} |")
    return "\n".join(rows)


def side_by_side(before: dict, now: dict) -> str:
    rows = ["| type | precision before | now | recall before | now | F1 before | now | gold entities |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in ("PER", "LOC", "ORG", "MISC", "overall"):
        p, r, f = before[kind]
        n = now[kind]
        name = f"**{kind}**" if kind == "overall" else kind
        rows.append(f"| {name} | {p:.3f} | {n['precision']:.3f} | {r:.3f} | {n['recall']:.3f} | {f:.3f} | "
                    f"{n['f1']:.3f} | {n['support']} |")
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
    for part, label in (("germeval", "GermEval"), ("smartdata", "SmartData")):
        parts.append(f"### {label} part of the validation split: before (df933b7) and now\n\n"
                     + side_by_side(BEFORE[part], v[part]) + "\n")
    parts.append(
        "Read the GermEval table as the harder, broader figure: its sentences come from many kinds of "
        "text and it is the only part with MISC. MISC is the weak type: only GermEval labels it, and "
        "SmartData's unlabelled product and event names teach the model to leave such names alone.\n")
    parts.append(EXPERIMENTS)
    parts.append("## Files\n\n| file | what | sha256 |\n|---|---|---|")
    parts.append(f"| `model/de-ner.crfsuite` | the CRF | `{_sha256(MODEL / 'de-ner.crfsuite')}` |")
    parts.append(f"| `model/gazetteer.json` | {sizes['gazetteer_entries']:,} names "
                 f"({sizes['cldr_territories']} from CLDR, {sizes.get('external_names', 0):,} from WikiANN and LER) "
                 f"| `{_sha256(MODEL / 'gazetteer.json')}` |")
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
