"""One line of help for each statistic the tabs show, given as hover text wherever its name heads a table column or
stands in bold in a summary (the page script below sets each such element's ``title``), and listed in the Model tab.

A term matches an element whose text starts with it (case-insensitive), so "margin accuracy s → t" and "nDCG@10"
get their term's line; longer terms are tried first.
"""

from __future__ import annotations

import json

GLOSSARY = {
    "margin": "Ratio margin (Artetxe & Schwenk, 2019): the pair's cosine over the mean cosine of each side's k nearest "
              "neighbours; above 1 the pair stands out from both neighbourhoods.",
    "RBO": "Rank-biased overlap (Webber et al., 2010) of two rankings, 0 … 1, weighted towards the top ranks.",
    "Kendall τ": "Rank correlation of two orderings of the same items, −1 … 1 (1: the same order).",
    "Spearman ρ": "Rank correlation of two lists of scores, −1 … 1 (1: the same order).",
    "overlap@k": "Share of the top k results two rankings have in common, 0 … 1.",
    "nDCG": "Normalised discounted cumulative gain: ranking quality against the relevance labels, 0 … 1; a relevant "
            "document counts more the higher it is ranked.",
    "MRR": "Mean reciprocal rank: the mean over queries of 1 / rank of the first relevant document (0 beyond k).",
    "Recall@": "Share of a query's relevant documents found in its top k.",
    "V-measure": "Agreement of clusters with given groups, 0 … 1: the harmonic mean of homogeneity (each cluster one "
                 "group) and completeness (each group one cluster).",
    "ARI": "Adjusted Rand index: agreement of clusters with groups over all pairs of points; 0 is chance, 1 identical.",
    "silhouette": "How much closer each point is to its own cluster than to the next one, −1 … 1, averaged.",
    "kNN accuracy": "Share of points whose 5 nearest other points (cosine) mostly carry the point's own group.",
    "cosine": "Cosine similarity of the two L2-normalised embeddings, −1 … 1 (their dot product).",
    "accuracy": "Share of sentences whose best match is their gold translation.",
}

#: Page script (run on load, with the map's click script): keeps ``title`` set on table headers and bold summary
#: text that name a term, as Gradio redraws them.
GLOSSARY_JS = """() => {
  const terms = Object.entries(TERMS).sort((a, b) => b[0].length - a[0].length);
  const help = (text) => {
    const t = text.trim().toLowerCase();
    const hit = terms.find(([term]) => t.startsWith(term.toLowerCase()));
    return hit ? `${hit[0]}: ${hit[1]}` : null;
  };
  const label = () => {
    for (const el of document.querySelectorAll("th, .prose strong")) {
      const line = help(el.textContent || "");
      if (line && el.title !== line) el.title = line;
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; label(); }); }
  }).observe(document.body, { childList: true, subtree: true });
  label();
}""".replace("TERMS", json.dumps(GLOSSARY, ensure_ascii=False))


def glossary_markdown() -> str:
    """The glossary as a Markdown list, for the Model tab."""
    return "\n".join(f"- **{term}**: {line}" for term, line in GLOSSARY.items())
