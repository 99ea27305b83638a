#############################################################################
##
##  names.g — StructureDescription of groups, one JSON line [[n, i], "name"],
##  for the orders export.g left nameless (NAMES_LATER).  Expects ORDERS,
##  OUTDIR and optionally START ([n, first i] pairs) to be bound.
##
#############################################################################
if not IsBound(START) then START := []; fi;
for n in ORDERS do
    first := First(START, x -> x[1] = n);
    if first = fail then first := 1; else first := first[2]; fi;
    out := OutputTextFile(Concatenation(OUTDIR, "names_", String(n), ".jsonl.part"), first > 1);
    SetPrintFormattingStatus(out, false);
    for i in [first..NumberSmallGroups(n)] do
        AppendTo(out, "[[", n, ",", i, "],\"", StructureDescription(SmallGroup(n, i)), "\"]\n");
    od;
    CloseStream(out);
    Exec(Concatenation("mv ", OUTDIR, "names_", String(n), ".jsonl.part ", OUTDIR, "names_", String(n), ".jsonl"));
od;
QUIT;
