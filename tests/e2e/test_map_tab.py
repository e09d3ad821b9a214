"""Browser tests of the Cluster map tab: the example (plot, keywords, agreement, neighbours, exports), an upload,
too few documents, a bad file."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import SLOW, open_tab, screenshot, visible

TAB = "Cluster map"


def test_example_map_keywords_agreement_neighbours_and_exports(page):
    summary = open_tab(page, TAB, "map-summary")
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)
    plot = page.locator("#map-plot .js-plotly-plot")
    expect(plot).to_be_visible(timeout=SLOW)
    expect(plot).to_contain_text("queries", timeout=SLOW)  # the example query drawn as a star
    expect(visible(page, "Cluster keywords (c-TF-IDF)")).to_be_visible()
    expect(visible(page, "V-measure (clusters)")).to_be_visible()
    expect(page.locator("#map-reading")).to_contain_text("Points group by")
    expect(page.locator('a[download="cluster_map_points.csv"]')).to_be_visible()
    expect(page.locator('a[download="cluster_map.html"]')).to_be_visible()
    screenshot(page, "map-example")

    # A real mouse click on a document point (at the pixel plotly draws it) lists that point's neighbours.
    plot.scroll_into_view_if_needed()
    expect(page.locator("#map-plot .js-plotly-plot[data-hx-click]")).to_have_count(1)  # the page script is ready
    point = page.evaluate("""() => {
        const gd = document.querySelector('#map-plot .js-plotly-plot');
        const trace = gd._fullData.find(t => t.customdata && t.customdata.length);  // decoded arrays
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return {x: box.left + xa._offset + xa.l2p(trace.x[0]), y: box.top + ya._offset + ya.l2p(trace.y[0]),
                n: String(trace.customdata[0][0])};
    }""")
    page.mouse.click(point["x"], point["y"])
    expect(page.locator("#map-picked")).to_contain_text(f"Point #{point['n']}", timeout=SLOW)
    screenshot(page, "map-click")

    page.get_by_role("radio", name="language").click()  # the example starts coloured by label
    expect(plot).to_contain_text("zh (98)")
    page.locator("#map-pick textarea, #map-pick input").first.fill("12")
    page.locator("#map-neighbours").click()
    expect(page.locator("#map-picked")).to_contain_text("Point #12", timeout=SLOW)
    expect(plot).to_contain_text("point #12")
    screenshot(page, "map-neighbours")


def test_upload_too_few_and_bad_file(page, tmp_path):
    summary = open_tab(page, TAB, "map-summary")
    docs = tmp_path / "docs.txt"
    docs.write_text("The fox is red.\nDer Fuchs ist rot.\nRain falls in April.\nIl pleut en avril.\n", encoding="utf-8")
    page.locator("#map-docs input[type=file]").set_input_files(str(docs))
    page.locator("#map-run").click()
    expect(summary).to_contain_text("4 texts: ", timeout=SLOW)
    expect(summary).to_contain_text("n_neighbors lowered")
    screenshot(page, "map-upload")

    page.locator("#map-docs button[aria-label='Clear']").first.click()
    page.locator("#map-docs textarea").first.fill("just one document")
    page.locator("#map-run").click()
    expect(visible(page, "at least 3 documents")).to_be_visible()
    expect(summary).to_contain_text("4 texts: ")  # the previous map is still there
    screenshot(page, "map-too-few")

    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    page.locator("#map-docs textarea").first.fill("")
    page.locator("#map-docs input[type=file]").set_input_files(str(junk))
    page.locator("#map-run").click()
    expect(visible(page, "binary")).to_be_visible(timeout=SLOW)
    page.locator("#map-example").click()
    expect(summary).to_contain_text("294 texts: ", timeout=SLOW)
