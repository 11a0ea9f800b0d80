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

from ..data.dataset import Dataset
from ..method.progress import STATUS_COLORS, STATUS_LABELS, STATUSES
from .index import script_policy
from .narrative import escape, fmt, target_text
from .tables import figure_text, theme_label

FILE = "pledges.html"


#: The kind of a verdict's deciding evidence (``sources.kind``), as the explorer's column says it.
EVIDENCE_SHORT = {"official": "official publication", "official_copy": "official document, read via a copy",
                  "news": "news report of official figures", "other": "other source (unattributed, aggregator)",
                  "": "no figure"}


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
    for _, r in table.sort_values(["theme", "indicator_id", "geography", "target_year", "pledge_id"]).iterrows():
        zh = indicators.at[r["indicator_id"], "name_zh"]
        src = sources.loc[r["source_id"]]
        latest = latest_text(r)
        out.append({
            "id": r["pledge_id"],
            "indicator": r["indicator_id"],
            "name": r["name"],
            "name_zh": zh if isinstance(zh, str) else "",
            "theme": str(r["theme"]),
            "place": r["geography"],
            "target": target_text(r).rsplit(" by ", 1)[0],
            "comparator": r["comparator"],
            "target_value": _number(r["target_value"]),
            "unit": r["unit"],
            "year": int(r["target_year"]),
            "status": str(r["status"]),
            "latest": latest,
            "latest_value": _number(r["target_year_value"] if pd.notna(r.get("target_year_value")) else r["latest_value"]),
            "latest_year": _latest_year(r),
            "source": src["title_en"] if isinstance(src["title_en"], str) else r["source_id"],
            "issuer": src["issuer"] if isinstance(src["issuer"], str) else "",
            "evidence": "no verdict" if str(r["status"]) == "insufficient_data"
            else EVIDENCE_SHORT.get(str(r.get("evidence_kind", "") or ""), "no figure"),
            "source_id": r["source_id"],
            "quote": pledges.at[r["pledge_id"], "quote"],
            "page": f"indicators/{r['indicator_id']}.html" if r["indicator_id"] in pages else "",
        })
    return out


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
        return f"{fmt(row['target_year_value'], row['unit'])} ({int(row['target_year'])})"
    if pd.notna(row["latest_value"]):
        return f"{fmt(row['latest_value'], row['unit'])} ({int(row['latest_year'])})"
    if pd.notna(row["bound_value"]):
        return figure_text(row["bound_value"], row["unit"], row["bound_comparator"], year=row["bound_year"])
    return "none found"


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
var cols=[["id","Pledge"],["name","Indicator"],["place","Place"],["theme","Theme"],["target","Target"],["year","Year"],
["status","Verdict"],["latest","Latest figure"],["source","Source"]];
var state={sort:"",dir:"asc",q:""};
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=String(text);
if(cls)e.className=cls;return e;}
function readHash(){var p=new URLSearchParams(location.hash.replace(/^#/,""));
filters.forEach(function(f){state[f]=p.get(f)||"";});state.q=p.get("q")||"";state.sort=p.get("sort")||"";
state.dir=p.get("dir")==="desc"?"desc":"asc";}
function writeHash(){var p=new URLSearchParams();filters.forEach(function(f){if(state[f])p.set(f,state[f]);});
if(state.q)p.set("q",state.q);if(state.sort){p.set("sort",state.sort);p.set("dir",state.dir);}
var h=p.toString();history.replaceState(null,"",h?"#"+h:location.pathname+location.search);}
function label(f,v){if(f==="status")return meta.labels[v]||v;if(f==="theme")return meta.themes[v]||v;return String(v);}
function buildFilters(){var box=document.getElementById("filters");
filters.forEach(function(f){var values={};data.forEach(function(r){values[r[f]]=1;});
var keys=Object.keys(values).sort(function(a,b){if(f==="status")return meta.order.indexOf(a)-meta.order.indexOf(b);
return a<b?-1:a>b?1:0;});
var lab=el("label",meta.names[f]);var s=el("select");s.id="f-"+f;s.appendChild(el("option","all"));s.options[0].value="";
keys.forEach(function(k){var o=el("option",label(f,k));o.value=k;s.appendChild(o);});
s.addEventListener("change",function(){state[f]=s.value;update();});lab.appendChild(s);box.appendChild(lab);});
var ql=el("label","Search names (English or Chinese) and quotes");var q=el("input");q.type="search";q.id="q";
q.addEventListener("input",function(){state.q=q.value;update();});ql.appendChild(q);box.appendChild(ql);
var reset=el("button","Clear filters");reset.type="button";reset.id="clear";reset.addEventListener("click",function(){
filters.forEach(function(f){state[f]="";});state.q="";sync();update();});box.appendChild(reset);}
function sync(){filters.forEach(function(f){document.getElementById("f-"+f).value=state[f];});
document.getElementById("q").value=state.q;}
function matches(r){for(var i=0;i<filters.length;i++){var f=filters[i];if(state[f]&&String(r[f])!==state[f])return false;}
if(state.q){var q=state.q.toLowerCase();var hay=(r.name+" "+r.name_zh+" "+r.quote+" "+r.id+" "+r.indicator).toLowerCase();
if(hay.indexOf(q)<0)return false;}return true;}
function compare(a,b){var k=state.sort;var x=a[k],y=b[k];if(k==="status"){x=meta.order.indexOf(x);y=meta.order.indexOf(y);}
if(k==="latest"){x=a.latest_year||0;y=b.latest_year||0;}
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
cols.forEach(function(c){var td=el("td");td.dataset.label=c[1];var k=c[0];if(k==="id"||k==="year")td.className="nw";
if(k==="name"){if(r.page){var a=el("a",r.name);a.href=r.page;td.appendChild(a);}else{td.appendChild(el("span",r.name));}
if(r.name_zh){td.appendChild(el("br"));td.appendChild(el("span",r.name_zh,"zh"));}
td.appendChild(el("div","\u201c"+r.quote+"\u201d","quote"));}
else if(k==="status"){var s=el("span",meta.labels[r.status]||r.status,"status");s.style.background=meta.colors[r.status]||"#777";
if(r.status==="insufficient_data")s.style.color="#222";td.appendChild(s);
if(r.status!=="insufficient_data"){td.appendChild(el("div","rests on: "+r.evidence,"note"));}}
else if(k==="theme"){td.textContent=meta.themes[r.theme]||r.theme;}
else if(k==="source"){if(r.issuer){td.appendChild(el("div",r.issuer,"note"));}td.appendChild(el("span",r.source));}
else{td.textContent=r[k]===null?"":String(r[k]);}
tr.appendChild(td);});body.appendChild(tr);});
document.getElementById("count").textContent=rows.length+" of "+data.length+" pledges";
document.getElementById("download").textContent="Download "+(rows.length===data.length?"all "+rows.length:"these "+rows.length)+" pledges (CSV)";
document.querySelectorAll("#head th").forEach(function(th){if(th.dataset.key===state.sort)
th.setAttribute("aria-sort",state.dir==="asc"?"ascending":"descending");else th.removeAttribute("aria-sort");});}
function update(){writeHash();render();}
document.getElementById("download").addEventListener("click",download);
buildFilters();buildHead();readHash();sync();render();
window.addEventListener("hashchange",function(){readHash();sync();render();});
})();
"""


def render(dataset: Dataset, table: pd.DataFrame, pages: set[str]) -> str:
    """The explorer page (a string of HTML) for the pledges in ``table``."""
    data = rows(dataset, table, pages)
    as_of = int(table["as_of"].iloc[0]) if len(table) else ""
    meta = {
        "labels": STATUS_LABELS,
        "colors": STATUS_COLORS,
        "order": list(STATUSES),
        "themes": {str(t): theme_label(t) for t in sorted(set(table["theme"].astype(str)))},
        "csv": [list(c) for c in CSV_COLUMNS],
        "names": {"theme": "Theme", "place": "Place", "year": "Target year", "status": "Verdict",
                  "evidence": "Verdict rests on", "source": "Source document"},
    }
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{script_policy(_SCRIPT)}">
<link rel="icon" href="data:,">
<title>All pledges: Zhejiang Common Prosperity tracker</title>
<style>{_STYLE}</style>
</head>
<body>
<p><a href="index.html">All reports</a></p>
<h1>All pledges</h1>
<p>Every quantitative pledge in the dataset ({len(data)}), with its verdict as of {escape(as_of)} and the latest
achieved figure. Filter, search the names (English or Chinese) and the verbatim quotes, sort by any column; the
address keeps the filters, so a filtered view can be shared; the button under the filters downloads the rows shown
as CSV. Each indicator links to its own page.</p>
<noscript><p class="note">This list needs JavaScript; every pledge is also on its indicator's page.</p></noscript>
<div id="filters" class="filters"></div>
<div class="count-line"><p id="count" aria-live="polite"></p><button type="button" id="download">Download (CSV)</button></div>
<div class="wrap">
<table>
<thead><tr id="head"></tr></thead>
<tbody id="rows"></tbody>
</table>
</div>
<script type="application/json" id="pledge-data">{_json(data)}</script>
<script type="application/json" id="pledge-meta">{_json(meta)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
