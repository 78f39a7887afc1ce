"""Compare language detectors on short real texts of known language (from tests/data/realworld):
docs/import-languages.md. Run in a venv with py3langid, langdetect and lingua-language-detector."""
import json
import pathlib
import re
import sys
import time

R = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "realworld"
SETS = {
    "en": [R / "docsy-example/content/en"],
    "no": [R / "docsy-example/content/no"],
    "fa": [R / "docsy-example/content/fa"],
    "fr": [R / "pelican-samples/content/another_super_article-fr.rst", R / "pelican-samples/content/article2-fr.rst"],
    "ja": [R / "pelican-samples/content/draft_article_with_translation-ja.rst"],
}
def paras(path):
    files = [path] if path.is_file() else sorted(path.rglob("*.md"))
    for f in files:
        t = f.read_text("utf-8")
        t = re.sub(r"^---\n.*?\n---\n", "", t, flags=re.S)
        t = re.sub(r"\{\{[<%].*?[%>]\}\}", " ", t)
        for p in re.split(r"\n\s*\n", t):
            p = " ".join(p.split())
            p = re.sub(r"[#*_`>\[\]()]|https?://\S+|:\w+:", " ", p)
            p = " ".join(p.split())
            if len(p) >= 20 and len(re.findall(r"\w", p)) > 15 and not p.startswith(("|", "-", "<")):
                yield p[:120]
samples = []
for lang, paths in SETS.items():
    got = []
    for p in paths:
        got.extend(paras(p))
    seen = list(dict.fromkeys(got))[:40]
    samples += [(lang, s) for s in seen]
print({lang: sum(1 for x, _ in samples if x == lang) for lang in SETS}, file=sys.stderr)
def run(name, setup):
    t0 = time.perf_counter()
    detect = setup()
    load = time.perf_counter() - t0
    ok = 0
    per: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    for lang, text in samples:
        got = detect(text)
        per.setdefault(lang, [0, 0])
        per[lang][1] += 1
        if got == lang or (lang == "no" and got in ("nb", "nn", "no")):
            ok += 1
            per[lang][0] += 1
    took = (time.perf_counter() - t0) / len(samples) * 1000
    print(json.dumps({"name": name, "accuracy": round(ok / len(samples), 3), "per": per, "load_s": round(load, 2),
                      "ms_per_text": round(took, 2)}))
def langid_setup():
    import py3langid
    return lambda t: py3langid.classify(t)[0]
def langdetect_setup():
    from langdetect import DetectorFactory, detect
    DetectorFactory.seed = 0
    def d(t):
        try:
            return detect(t)
        except Exception:
            return ""
    return d
def lingua_setup():
    from lingua import LanguageDetectorBuilder
    det = LanguageDetectorBuilder.from_all_languages().build()
    def d(t):
        r = det.detect_language_of(t)
        return r.iso_code_639_1.name.lower() if r else ""
    return d
def lingua_low_setup():
    from lingua import LanguageDetectorBuilder
    det = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    def d(t):
        r = det.detect_language_of(t)
        return r.iso_code_639_1.name.lower() if r else ""
    return d
CANDIDATES = [("py3langid", langid_setup), ("langdetect", langdetect_setup), ("lingua-low", lingua_low_setup),
              ("lingua", lingua_setup)]
for name, setup in CANDIDATES:
    run(name, setup)
