#############################################################################
##
##  containment.g — the true containment among groupdb's stored subgroup classes,
##  for the pairs groupdb/build/containment.py asks about.
##
##  Expects the caller to have bound
##    EXPORT_G   the path of groupdb/build/export.g (its functions are reused as they are:
##               the file is read up to its final export loop, so KeepSubgroup is the one
##               that chose the stored classes);
##    REQUESTS   a list of [[n, i], stored, pairs]: stored = [[id, length], ...] per stored
##               class in groupdb's order, pairs = [[p, q], ...] (1-based positions),
##               as groupdb/build/containment.py's `request` writes it;
##    OUTFILE    where to write one JSON line per group: [[n, i], [[p, q, 0 or 1], ...]];
##    DEADLINE   (optional) stop starting new groups after this many seconds of wall time.
##  Without REQUESTS it only defines its functions (StoredClasses, ContainsConjugate, ...):
##  tests/test_groupdb_containment.py reads it so.
##
##  For each group it recomputes the stored classes exactly as export.g does
##  (ConjugacyClassesSubgroups filtered by KeepSubgroup), aborts on any difference in
##  IdGroup or class length from the stored ones, and decides for each pair whether some
##  G-conjugate of class p lies in (the representative of) class q.
##
#############################################################################

ReadExportFunctions := function(path)
    local text, marker, cut;
    text := StringFile(path);
    if text = fail then Error("containment.g: cannot read ", path); fi;
    marker := "for n in ORDERS do ExportOrder(n); od;";
    cut := PositionSublist(text, marker);
    if cut = fail then Error("containment.g: export.g has no final export loop"); fi;
    Read(InputTextString(text{[1..cut - 1]}));
end;
if not IsBound(OUTDIR) then OUTDIR := fail; fi;  # used only by export.g's ExportOrder
ReadExportFunctions(EXPORT_G);

## Whether some conjugate N^g (g over a transversal of N_G(N)) lies in U.
ContainsConjugate := function(data, U)
    return ForAny(data.transversal, g -> ForAll(data.gens, x -> x ^ g in U));
end;

## The stored classes, in groupdb's order. GAP's ConjugacyClassesSubgroups lists them in
## an order that depends on what is already known about G (a bare SmallGroup(64, 4) lists
## its Klein four-groups differently), so G is prepared as export.g's GroupRecord prepares
## it, up to the point where it takes the classes: canonical table and classes, power maps,
## element lookup, automorphism group.
StoredClasses := function(n, i)
    local can, G, tbl, p, cl;
    CANON := rec();
    can := CanonicalData([n, i]);
    G := can.group;
    tbl := can.table;
    Exponent(G);
    for p in Set(Factors(n)) do PowerMap(tbl, p); od;
    PowerMap(tbl, 2);
    cl := ClassLookup(G, can.classes);
    List(GeneratorsOfGroup(AutomorphismGroup(G)),
         a -> List(can.reps, x -> ClassOf(cl, Image(a, x))));
    return [G, Filtered(ConjugacyClassesSubgroups(G), c -> KeepSubgroup(n, c))];
end;

ContainmentRecord := function(req)
    local n, i, G, ccs, stored, j, id, out, sub, p, q, U;
    n := req[1][1]; i := req[1][2];
    ccs := StoredClasses(n, i);
    G := ccs[1]; ccs := ccs[2];
    stored := req[2];
    if Length(ccs) <> Length(stored) then
        Error("containment.g: [", n, ",", i, "] has ", Length(ccs), " classes, groupdb stores ",
              Length(stored));
    fi;
    for j in [1..Length(ccs)] do
        id := IdGroup(Representative(ccs[j]));
        if id <> stored[j][1] or Size(ccs[j]) <> stored[j][2] then
            Error("containment.g: [", n, ",", i, "] class ", j, " is ", id, " of length ",
                  Size(ccs[j]), ", groupdb stores ", stored[j]);
        fi;
    od;
    sub := [];
    out := [];
    for p in req[3] do
        if not IsBound(sub[p[1]]) then
            sub[p[1]] := rec(gens := GeneratorsOfGroup(Representative(ccs[p[1]])),
                             transversal := RightTransversal(G, StabilizerOfExternalSet(ccs[p[1]])));
        fi;
        U := Representative(ccs[p[2]]);
        if ContainsConjugate(sub[p[1]], U) then q := 1; else q := 0; fi;
        Add(out, [p[1], p[2], q]);
    od;
    return [[n, i], out];
end;

if not IsBound(DEADLINE) then DEADLINE := infinity; fi;
ContainmentRun := function()
    local out, req, t0, count;
    out := OutputTextFile(ValueGlobal("OUTFILE"), false);
    SetPrintFormattingStatus(out, false);
    t0 := NanosecondsSinceEpoch(); count := 0;
    for req in ValueGlobal("REQUESTS") do
        if (NanosecondsSinceEpoch() - t0) / 10^9 > DEADLINE then
            Print("containment.g: deadline reached after ", count, " groups\n");
            break;
        fi;
        AppendTo(out, Json(ContainmentRecord(req)), "\n");
        count := count + 1;
    od;
    CloseStream(out);
    Print("containment.g: ", count, " of ", Length(ValueGlobal("REQUESTS")), " groups, ",
          Int((NanosecondsSinceEpoch() - t0) / 10^6), " ms wall, ", Runtime(), " ms cpu\n");
end;
if IsBound(REQUESTS) then
    ContainmentRun();
    QUIT;
fi;
