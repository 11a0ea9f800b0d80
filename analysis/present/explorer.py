"""``reports/pledges.html``: every pledge in one filterable, searchable, sortable table.

One self-contained page: the rows travel as JSON inside a ``<script type="application/json">``
element (with ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no dataset text can close it),
and a small inline script builds the table with ``textContent`` only, so a name or a quote is always
shown as text. No network request, so it works from ``file://`` offline. The filter state lives in
the URL's hash (``#theme=...&q=...``), so a filtered view can be shared. A button downloads the rows
shown (after the filters, in their order) as CSV (:data:`CSV_COLUMNS`), made by the page's own
script as a ``Blob`` (no request, so the policy still forbids every other script and every load).
Below 640 px each row becomes a card, so there is no horizontal scrolling on a phone.
"""

from __future__ import annotations

import json

import pandas as pd

from ..data import i18n
from ..data.dataset import Dataset
from ..data.formats import year as year_text
from ..data.i18n import N_, _
from ..method.progress import STATUS_COLORS, STATUSES
from .index import script_policy
from .narrative import escape, fmt, target_text
from .tables import badge_text_colour, figure_text, theme_label
from .words import place, source_title, status_labels

FILE = "pledges.html"


#: The kind of a verdict's deciding evidence (``sources.kind``), as the explorer's column says it.
EVIDENCE_SHORT = {"official": N_("official publication"), "official_copy": N_("official document, read via a copy"),
                  "news": N_("news report of official figures"),
                  "other": N_("other source (unattributed, aggregator)"), "": N_("no figure")}


def rows(dataset: Dataset, table: pd.DataFrame, pages: set[str]) -> list[dict]:
    """One dict per pledge: what the explorer shows, filters and searches.

    Parameters
    ----------
    dataset : Dataset
    table : DataFrame
        :func:`analysis.method.progress.progress_table` (or ``trends.project``) rows.
    pages : set of str
        Indicator ids whose page exists; other rows are shown without a link.
    """
    indicators = dataset.indicators.set_index("indicator_id")
    pledges = dataset.pledges.set_index("pledge_id")
    sources = dataset.sources.set_index("source_id")
    out = []
    for _row, r in table.sort_values(["theme", "indicator_id", "geography", "target_year", "pledge_id"]).iterrows():
        zh = indicators.at[r["indicator_id"], "name_zh"]
        src = sources.loc[r["source_id"]]
        latest = latest_text(r)
        title = source_title(src)
        chinese = i18n.is_chinese()
        out.append({
            "id": r["pledge_id"],
            "indicator": r["indicator_id"],
            "name": r["name"],
            "name_zh": zh if isinstance(zh, str) else "",
            "theme": str(r["theme"]),
            "place": r["geography"],
            "target": _target_zh(r) if chinese else target_text(r).rsplit(" by ", 1)[0],
            "comparator": r["comparator"],
            "target_value": _number(r["target_value"]),
            "unit": r["unit"],
            "year": int(r["target_year"]),
            "status": str(r["status"]),
            "latest": latest,
            "latest_value": _number(r["target_year_value"] if pd.notna(r.get("target_year_value")) else r["latest_value"]),
            "latest_year": _latest_year(r),
            "source": title if title else r["source_id"],
            "issuer": src["issuer"] if isinstance(src["issuer"], str) else "",
            "evidence": _("no verdict") if str(r["status"]) == "insufficient_data"
            else _(EVIDENCE_SHORT.get(str(r.get("evidence_kind", "") or ""), "no figure")),
            "source_id": r["source_id"],
            "quote": pledges.at[r["pledge_id"], "quote"],
            "page": f"indicators/{r['indicator_id']}.html" if r["indicator_id"] in pages else "",
        })
    return out


def _target_zh(row: pd.Series) -> str:
    """The target without its year, in Chinese (the English is the target's words up to " by ")."""
    if str(row["comparator"]) == "increase":
        return _("keep increasing (no number)")
    if str(row["comparator"]) == "decrease":
        return _("keep decreasing (no number)")
    return figure_text(row["target_value"], row["unit"], row["comparator"])


def _number(value):
    """A number for JSON: None when missing, an integer when whole."""
    if pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _latest_year(row: pd.Series):
    """The year of the latest figure shown (the target year's when it decided the verdict)."""
    if pd.notna(row.get("target_year_value")):
        return int(row["target_year"])
    return int(row["latest_year"]) if pd.notna(row["latest_year"]) else None


#: The columns of the explorer's CSV download (the rows shown): the data package's names where a
#: column is the dataset's, else the progress table's; then the explorer's own wording
#: (``target``, ``latest``, ``evidence``) and the indicator page's address.
CSV_COLUMNS = (("pledge_id", "id"), ("indicator_id", "indicator"), ("name", "name"), ("name_zh", "name_zh"),
               ("theme", "theme"), ("geography", "place"), ("comparator", "comparator"),
               ("target_value", "target_value"), ("unit", "unit"), ("target_year", "year"), ("status", "status"),
               ("latest_value", "latest_value"), ("latest_year", "latest_year"), ("target", "target"),
               ("latest", "latest"), ("evidence", "evidence"), ("source_id", "source_id"), ("title_en", "source"),
               ("issuer", "issuer"), ("quote", "quote"), ("page", "page"))


def latest_text(row: pd.Series) -> str:
    """The latest figure of a progress row: the figure for its target year, else its latest level
    (value and year), else the bound shown beside the verdict ("at least 80,000,000 persons (2024)"), else "none found"."""
    if pd.notna(row.get("target_year_value")):  # the figure for the target year, which decides it
        return _("{value} ({year})").format(value=fmt(row["target_year_value"], row["unit"]), year=int(row["target_year"]))
    if pd.notna(row["latest_value"]):
        return _("{value} ({year})").format(value=fmt(row["latest_value"], row["unit"]), year=int(row["latest_year"]))
    if pd.notna(row["bound_value"]):
        return figure_text(row["bound_value"], row["unit"], row["bound_comparator"], year=row["bound_year"])
    return _("none found")


def _json(value) -> str:
    """JSON safe to place inside a script element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;max-width:72rem;
margin:0 auto;padding:0 1rem 3rem;color:#1a1a1a;line-height:1.4;overflow-x:hidden}
h1{font-size:1.5rem;margin:1.2rem 0 .4rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:1rem 0;align-items:flex-end}
.filters label{display:flex;flex-direction:column;font-size:.8rem;color:#444;min-width:0;max-width:100%}
.filters select,.filters input{font-size:.95rem;padding:.25rem;max-width:100%;min-width:0}
.filters input[type=search]{width:18rem}
#count{font-weight:bold;margin:.3rem 0}
.count-line{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}
#download{font-size:.9rem;padding:.25rem .6rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{padding:.3rem .4rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top;overflow-wrap:break-word}
td.nw{white-space:nowrap}
td.ka{word-break:keep-all}
.wrap{overflow-x:auto}
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:#0b4f8a;text-align:left}
th[aria-sort=ascending] button::after{content:" \\25B2"} th[aria-sort=descending] button::after{content:" \\25BC"}
.status{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.8rem;color:#fff}
.zh{color:#555;font-size:.85rem}
.quote{color:#444;font-size:.8rem;font-style:italic}
.note{color:#555;font-size:.85rem}
@media (max-width:640px){
 .filters input[type=search]{width:100%}
 .filters label{flex:1 1 45%}
 table,thead,tbody,tr,td{display:block;width:100%}
 thead tr{display:flex;flex-wrap:wrap;gap:.3rem}
 thead th{display:inline-block;border:0;padding:.1rem .3rem}
 tbody tr{border:1px solid #ddd;border-radius:.4rem;margin:.5rem 0;padding:.3rem}
 td{border:0;padding:.1rem .3rem}
 td::before{content:attr(data-label) ": ";font-weight:bold;color:#555}
}
"""

_SCRIPT = r"""
(function(){
"use strict";
var data=JSON.parse(document.getElementById("pledge-data").textContent);
var meta=JSON.parse(document.getElementById("pledge-meta").textContent);
var filters=["theme","place","year","status","evidence","source"];
var text=meta.text;var cols=text.columns;var zh=meta.lang==="zh-Hans";
var state={sort:"",dir:"asc",q:""};
function el(tag,t,cls){var e=document.createElement(tag);if(t!==undefined&&t!==null)e.textContent=String(t);
if(cls)e.className=cls;return e;}
function fill(t,v){return t.replace(/\{(\w+)\}/g,function(m,k){return k in v?String(v[k]):m;});}
function main(r){return zh&&r.name_zh?r.name_zh:r.name;}function other(r){return zh?(r.name_zh?r.name:""):r.name_zh;}
function readHash(){var p=new URLSearchParams(location.hash.replace(/^#/,""));
filters.forEach(function(f){state[f]=p.get(f)||"";});state.q=p.get("q")||"";state.sort=p.get("sort")||"";
state.dir=p.get("dir")==="desc"?"desc":"asc";}
function writeHash(){var p=new URLSearchParams();filters.forEach(function(f){if(state[f])p.set(f,state[f]);});
if(state.q)p.set("q",state.q);if(state.sort){p.set("sort",state.sort);p.set("dir",state.dir);}
var h=p.toString();history.replaceState(null,"",h?"#"+h:location.pathname+location.search);}
function label(f,v){if(f==="status")return meta.labels[v]||v;if(f==="theme")return meta.themes[v]||v;
if(f==="place")return meta.places[v]||v;if(f==="year")return meta.years[v]||v;return String(v);}
function buildFilters(){var box=document.getElementById("filters");
filters.forEach(function(f){var values={};data.forEach(function(r){values[r[f]]=1;});
var keys=Object.keys(values).sort(function(a,b){if(f==="status")return meta.order.indexOf(a)-meta.order.indexOf(b);
return a<b?-1:a>b?1:0;});
var lab=el("label",meta.names[f]);var s=el("select");s.id="f-"+f;s.appendChild(el("option",text.all));s.options[0].value="";
keys.forEach(function(k){var o=el("option",label(f,k));o.value=k;s.appendChild(o);});
s.addEventListener("change",function(){state[f]=s.value;update();});lab.appendChild(s);box.appendChild(lab);});
var ql=el("label",text.search);var q=el("input");q.type="search";q.id="q";
q.addEventListener("input",function(){state.q=q.value;update();});ql.appendChild(q);box.appendChild(ql);
var reset=el("button",text.clear);reset.type="button";reset.id="clear";reset.addEventListener("click",function(){
filters.forEach(function(f){state[f]="";});state.q="";sync();update();});box.appendChild(reset);}
function sync(){filters.forEach(function(f){document.getElementById("f-"+f).value=state[f];});
document.getElementById("q").value=state.q;}
function matches(r){for(var i=0;i<filters.length;i++){var f=filters[i];if(state[f]&&String(r[f])!==state[f])return false;}
if(state.q){var q=state.q.toLowerCase();var hay=(r.name+" "+r.name_zh+" "+r.quote+" "+r.id+" "+r.indicator).toLowerCase();
if(hay.indexOf(q)<0)return false;}return true;}
function compare(a,b){var k=state.sort;var x=a[k],y=b[k];if(k==="status"){x=meta.order.indexOf(x);y=meta.order.indexOf(y);}
if(k==="latest"){x=a.latest_year||0;y=b.latest_year||0;}if(k==="name"){x=main(a);y=main(b);}
var c=(typeof x==="number"&&typeof y==="number")?x-y:String(x).localeCompare(String(y));return state.dir==="desc"?-c:c;}
function buildHead(){var tr=document.getElementById("head");cols.forEach(function(c){var th=el("th");th.scope="col";
th.dataset.key=c[0];var b=el("button",c[1]);b.type="button";b.addEventListener("click",function(){
if(state.sort===c[0]){state.dir=state.dir==="asc"?"desc":"asc";}else{state.sort=c[0];state.dir="asc";}update();});
th.appendChild(b);tr.appendChild(th);});}
var shown=[];
function csvCell(v){if(v===null||v===undefined)return "";var t=String(v);
return /[",\r\n]/.test(t)?"\""+t.replace(/"/g,"\"\"")+"\"":t;}
function download(){var lines=[meta.csv.map(function(c){return c[0];}).join(",")];
shown.forEach(function(r){lines.push(meta.csv.map(function(c){return csvCell(r[c[1]]);}).join(","));});
var blob=new Blob([lines.join("\n")+"\n"],{type:"text/csv;charset=utf-8"});var url=URL.createObjectURL(blob);
var a=el("a");a.href=url;a.download="pledges.csv";document.body.appendChild(a);a.click();document.body.removeChild(a);
setTimeout(function(){URL.revokeObjectURL(url);},10000);}
function render(){var rows=data.filter(matches);if(state.sort)rows.sort(compare);shown=rows;
var body=document.getElementById("rows");while(body.firstChild)body.removeChild(body.firstChild);
rows.forEach(function(r){var tr=el("tr");tr.dataset.pledge=r.id;
cols.forEach(function(c){var td=el("td");td.dataset.label=c[1];var k=c[0];if(k==="id"||k==="year")td.className="nw";else if(zh&&(k==="place"||k==="theme"||k==="status"))td.className="ka";
if(k==="name"){if(r.page){var a=el("a",main(r));a.href=r.page;td.appendChild(a);}else{td.appendChild(el("span",main(r)));}
if(other(r)){td.appendChild(el("br"));var o=el("span",other(r),"zh");if(zh)o.lang="en";td.appendChild(o);}
td.appendChild(el("div","\u201c"+r.quote+"\u201d","quote"));}
else if(k==="status"){var s=el("span",meta.labels[r.status]||r.status,"status");s.style.background=meta.colors[r.status]||"#777";s.style.color=meta.ink[r.status]||"#fff";
if(r.status==="insufficient_data")s.style.color="#222";td.appendChild(s);
if(r.status!=="insufficient_data"){td.appendChild(el("div",fill(text.rests_on,{evidence:r.evidence}),"note"));}}
else if(k==="theme"||k==="place"||k==="year"){td.textContent=label(k,r[k]);}
else if(k==="source"){if(r.issuer){td.appendChild(el("div",r.issuer,"note"));}td.appendChild(el("span",r.source));}
else{td.textContent=r[k]===null?"":String(r[k]);}
tr.appendChild(td);});body.appendChild(tr);});
document.getElementById("count").textContent=fill(text.count,{shown:rows.length,total:data.length});
document.getElementById("download").textContent=fill(rows.length===data.length?text.download_all:text.download_these,{n:rows.length});
document.querySelectorAll("#head th").forEach(function(th){if(th.dataset.key===state.sort)
th.setAttribute("aria-sort",state.dir==="asc"?"ascending":"descending");else th.removeAttribute("aria-sort");});}
function update(){writeHash();render();}
document.getElementById("download").addEventListener("click",download);
buildFilters();buildHead();readHash();sync();render();
window.addEventListener("hashchange",function(){readHash();sync();render();});
})();
"""


def csv_columns() -> list[list[str]]:
    """:data:`CSV_COLUMNS` as this edition's download names them (Chinese: the source's original ``title``)."""
    chinese = i18n.is_chinese()
    return [["title" if chinese and name == "title_en" else name, key] for name, key in CSV_COLUMNS]


def page_text() -> dict:
    """The words the page's script shows, in the current language (``{name}``: filled in by the script)."""
    return {
        "columns": [["id", _("Pledge")], ["name", _("Indicator")], ["place", _("Place")], ["theme", _("Theme")],
                    ["target", _("Target")], ["year", _("Year")], ["status", _("Verdict")],
                    ["latest", _("Latest figure")], ["source", _("Source")]],
        "all": _("all"),
        "search": _("Search names (English or Chinese) and quotes"),
        "clear": _("Clear filters"),
        "rests_on": _("rests on: {evidence}"),
        "count": _("{shown} of {total} pledges"),
        "download_all": _("Download all {n} pledges (CSV)"),
        "download_these": _("Download these {n} pledges (CSV)"),
    }


def render(dataset: Dataset, table: pd.DataFrame, pages: set[str]) -> str:
    """The explorer page (a string of HTML) for the pledges in ``table``, in the current language."""
    data = rows(dataset, table, pages)
    as_of = int(table["as_of"].iloc[0]) if len(table) else ""
    meta = {
        "lang": i18n.current(),
        "labels": status_labels(),
        "colors": STATUS_COLORS,
        "ink": {s: badge_text_colour(c) for s, c in STATUS_COLORS.items()},  # legible on each colour
        "order": list(STATUSES),
        "themes": {str(t): _(theme_label(t)) for t in sorted(set(table["theme"].astype(str)))},
        "places": {str(g): place(g) for g in sorted(set(table["geography"].astype(str)))},
        "years": {str(y): year_text(int(y)) for y in sorted(set(table["target_year"].dropna()))},
        "csv": csv_columns(),
        "names": {"theme": _("Theme"), "place": _("Place"), "year": _("Target year"), "status": _("Verdict"),
                  "evidence": _("Verdict rests on"), "source": _("Source document")},
        "text": page_text(),
    }
    # the catalog's words are trusted (our own); only the values placed into them are escaped
    title, all_reports, heading = (_("All pledges: Zhejiang Common Prosperity tracker"), _("All reports"),
                                   _("All pledges"))
    needs_script = _("This list needs JavaScript; every pledge is also on its indicator's page.")
    download = _("Download (CSV)")
    intro = _("Every quantitative pledge in the dataset ({n}), with its verdict as of {year} and the latest\n"
              "achieved figure. Filter, search the names (English or Chinese) and the verbatim quotes, sort by any "
              "column; the\naddress keeps the filters, so a filtered view can be shared; the button under the "
              "filters downloads the rows shown\nas CSV. Each indicator links to its own page.").format(
        n=len(data), year=escape(as_of))
    return f"""<!DOCTYPE html>
<html lang="{i18n.current()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{script_policy(_SCRIPT)}">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<p><a href="index.html">{all_reports}</a></p>
<h1>{heading}</h1>
<p>{intro}</p>
<noscript><p class="note">{needs_script}</p></noscript>
<div id="filters" class="filters"></div>
<div class="count-line"><p id="count" aria-live="polite"></p><button type="button" id="download">{download}</button></div>
<div class="wrap">
<table>
<thead><tr id="head"></tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
</main>
<script type="application/json" id="pledge-data">{_json(data)}</script>
<script type="application/json" id="pledge-meta">{_json(meta)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
