"""The jieba user dictionary of site terms (search/userdict.txt) segments the way search needs.

Material segments Chinese text with jieba when it builds the search index, and the browser segments a query
greedily into words that are in the index, then matches each word as a prefix. So a dictionary word must keep a
site term whole (低秩, not 低 + 秩), and must not swallow a word readers search on its own: with 稀疏注意力 in the
dictionary the index would hold only 稀疏注意力, and a search for 注意力 would no longer find that text
(a prefix such as 稀疏 still would).
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest

ROOT = Path(__file__).resolve().parents[2]
USERDICT = ROOT / "search" / "userdict.txt"

# Words readers search on their own; no dictionary word may contain one except as its prefix.
STANDALONE = [
    "注意力", "训练", "模型", "数组", "编码器", "解码器", "窗口", "微调", "视频", "掩码", "矩阵", "初始化", "阶段",
    "特征", "论文", "架构", "项目", "线性层", "投影", "查询", "适配器", "瓶颈",
]

# Phrases from the pages, and the words the index must hold for them.
SEGMENTATION = {
    "视觉编码器": ["视觉", "编码器"],
    "文本解码器": ["文本", "解码器"],
    "多模态大模型": ["多模态", "大", "模型"],
    "视频多模态论文": ["视频", "多模态", "论文"],
    "低秩分解": ["低秩", "分解"],
    "稀疏注意力": ["稀疏", "注意力"],
    "多头注意力": ["多头", "注意力"],
    "预训练": ["预", "训练"],
    "手撕": ["手撕"],
    "视觉词元": ["视觉", "词元"],
}


def entries() -> list[tuple[str, int]]:
    """The (word, frequency) lines of the user dictionary."""
    result = []
    for number, line in enumerate(USERDICT.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        assert len(parts) == 2 and parts[1].isdigit(), f"userdict.txt:{number}: expected 'word frequency', got {line!r}"
        result.append((parts[0], int(parts[1])))
    return result


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the site's user dictionary, as the search plugin loads it."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.load_userdict(str(USERDICT))
    return tok


def test_every_entry_stays_whole(tokenizer) -> None:
    for word, _ in entries():
        assert list(tokenizer.cut(word)) == [word]


@pytest.mark.parametrize("phrase", SEGMENTATION)
def test_phrases_segment_into_searchable_words(tokenizer, phrase) -> None:
    assert list(tokenizer.cut(phrase)) == SEGMENTATION[phrase]


def test_no_entry_hides_a_standalone_word() -> None:
    hidden = [(word, part) for word, _ in entries() for part in STANDALONE if part in word and not word.startswith(part)]
    assert not hidden, f"dictionary words that would hide a searched word: {hidden}"


def test_the_check_catches_a_hiding_compound(tokenizer) -> None:
    tokenizer.add_word("稀疏注意力", 2000)
    try:
        assert list(tokenizer.cut("稀疏注意力")) == ["稀疏注意力"]  # 注意力 is no longer an index word here
    finally:
        tokenizer.del_word("稀疏注意力")
    assert list(tokenizer.cut("稀疏注意力")) == ["稀疏", "注意力"]
