"""The user's settings: ``config.toml`` in the user config folder (see ``paths``).

Known keys::

    ner = "crf"                      # or "spacy:de_core_news_lg" (a spaCy model you installed)

    [keys]                           # binding id = "key" or "key1,key2" (see the help screen, ?)
    next_article = "j,down"

A missing file means defaults; a file that cannot be parsed is reported and ignored, never
rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreader.core.paths import config_dir


@dataclass
class Config:
    ner: str = "crf"
    keys: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def config_path():
    return config_dir() / "config.toml"


def load_config() -> Config:
    path = config_path()
    cfg = Config()
    if not path.exists():  # no config file: the TOML parser is not even loaded (a faster start)
        return cfg
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return cfg
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        cfg.notices.append(f"config {path} ignored: {exc}")
        return cfg
    except RecursionError:  # arrays or tables nested deeper than Python's parser goes
        cfg.notices.append(f"config {path} ignored: nested too deeply")
        return cfg
    ner = data.get("ner")
    if isinstance(ner, str) and ner.strip():
        cfg.ner = ner.strip()
    elif ner is not None:
        cfg.notices.append(f"config {path}: 'ner' must be a string such as \"crf\"")
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        for binding_id, key in keys.items():
            if isinstance(key, str) and key.strip():
                cfg.keys[binding_id] = key.replace(" ", "")
            else:
                cfg.notices.append(f"config {path}: [keys] {binding_id} must be a key such as \"j\"")
    else:
        cfg.notices.append(f"config {path}: [keys] must be a table")
    return cfg
