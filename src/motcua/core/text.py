import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, without Vietnamese diacritics (đ → d), whitespace collapsed: for search both ways."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip().lower()
