"""The short help on the query language and the keyboard, shown from the Help menu."""

QUERY_HELP = """
<h3>Searching</h3>
<table cellspacing="0" cellpadding="3">
<tr><td><code>japan drills</code></td><td>both words, any order (title, text, authors, tags, source, your notes)</td></tr>
<tr><td><code>"state of the art"</code></td><td>the exact phrase</td></tr>
<tr><td><code>marmalade OR jam</code></td><td>either word</td></tr>
<tr><td><code>drills -russia</code>, <code>NOT</code></td><td>leave out articles with a word</td></tr>
<tr><td><code>(a OR b) c</code></td><td>group with parentheses</td></tr>
<tr><td><code>title:</code> <code>author:</code> <code>tag:</code> <code>source:</code> <code>note:</code></td><td>look in one field: <code>tag:defence</code>, <code>author:"mariko sato"</code>; <code>note:</code> is your comments and highlighted passages</td></tr>
<tr><td><code>path:world/asia</code></td><td>articles inside a folder</td></tr>
<tr><td><code>lang:fr</code>, <code>language:german</code></td><td>articles in a language</td></tr>
<tr><td><code>site:nytimes.com</code>, <code>url:example.com/a*</code></td><td>saved from a site (subdomains too) or a web address</td></tr>
<tr><td><code>date:2024</code>, <code>date:2024-09</code></td><td>a year or a month</td></tr>
<tr><td><code>date:[2024-01 to 2024-06]</code></td><td>a range; leave a side empty for open-ended</td></tr>
<tr><td><code>is:unread</code>, <code>is:read</code></td><td>articles you have not opened yet, or have (Shift+U marks the open one unread again)</td></tr>
<tr><td><code>has:notes</code>, <code>has:highlights</code></td><td>articles with your comments or highlights; <code>-has:notes</code>: without</td></tr>
<tr><td><code>is:edited</code></td><td>articles changed since you annotated them</td></tr>
<tr><td><code>minutes:&lt;10</code>, <code>minutes:&gt;20</code>, <code>minutes:5..15</code></td><td>by reading time (words at ~230 a minute)</td></tr>
<tr><td><code>@unread</code></td><td>a saved search, by its name (case, spaces and dashes do not matter: <code>@edited-since-annotated</code>)</td></tr>
<tr><td><code>marm*</code></td><td>words starting with…</td></tr>
<tr><td><code>interoperabilty~</code></td><td>words one typo away (<code>~2</code>: two)</td></tr>
</table>
<p>Case and accents do not matter (<i>resume</i> finds <i>résumé</i>), and word endings are
matched in each article's own language (<i>drilling</i> finds <i>drills</i>, <i>gouvernements</i>
finds <i>gouvernement</i>). Chinese, Japanese and Korean are found by any two or more characters in a
row (<i>東京</i>, <i>交通规定</i>). Versions and identifiers are found by their parts too: <i>1.70</i>
finds <i>1.70.0</i>, <i>async</i> finds <i>async_fn</i>, <i>hash map</i> finds <i>HashMap</i>.</p>
<p>Everything combines: <code>is:unread tag:rust date:[2025 to] minutes:&lt;10</code>. A search of
filters alone lists the newest first. Save any search with <b>+</b> beside <b>Saved searches</b> in the
side panel (Ctrl+S); a click runs it, and its count follows the library as it changes.</p>
<p>The filter of <b>All notes</b> (Ctrl+Shift+N) takes the same language, asked of your notes: words
look in the comment, its passage and the article's title; <code>date:</code> is when you wrote it.</p>
"""

SHORTCUTS = [
    ("Ctrl+K", "Search the library"),
    ("Ctrl+S", "Save the current search (it joins Saved searches in the side panel)"),
    ("Shift+U", "Mark the open article as unread"),
    ("Esc", "Clear the search, back to the library"),
    ("Enter", "Open the selected article or hit"),
    ("Alt+Left / Alt+Right", "Previous / next article"),
    ("J / K", "Next / previous in the list"),
    ("Ctrl+F, F3, Shift+F3", "Find in the article, next, previous"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / actual size"),
    ("H", "Highlight the selected passage"),
    ("C", "Highlight the selected passage and comment on it"),
    ("Ctrl+Enter", "Post the comment"),
    ("Ctrl+Shift+N", "All notes: every comment and highlight"),
    ("Ctrl+T", "Tags of the open article (yours: the file is not changed)"),
    ("Ctrl+Shift+I", "Import an export of Pocket, Omnivore, Instapaper, wallabag, Readwise…"),
    ("Ctrl+Z", "Undo deleting a comment or removing a highlight"),
    ("Ctrl+O", "Open another library"),
    ("Ctrl+Q", "Quit"),
]


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    return f"<h3>Keyboard</h3><table cellspacing='0' cellpadding='3'>{rows}</table>"
