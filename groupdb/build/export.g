#############################################################################
##
##  export.g — write groupdb's raw data from GAP, one JSON object per line.
##
##  Expects the caller to have bound ORDERS (a list of group orders) and
##  OUTDIR (a directory name ending in "/").  For each order n it writes
##  OUTDIR/order_<n>.jsonl, one line per SmallGroup(n, i), in i order.
##
##  Conventions (the Python side relies on them):
##  * classes are those of CharacterTable(SmallGroup(n, i)), identity first;
##  * a character value is an integer, or a list of [k, c] pairs meaning
##    sum c * zeta_e^k with zeta_e = exp(2 pi i / e), e = Exponent(G)
##    (CoeffsCyc over e: GAP's Zumbroich basis, so the pairs are a fixed,
##    reproducible representation);
##  * irreducibles in GAP's order with the trivial character moved first;
##  * a subgroup class carries IdGroup(H) and the fusion of the classes of
##    the canonical table of SmallGroup(IdGroup(H)) into the classes of G,
##    through an isomorphism SmallGroup(IdGroup(H)) -> H found by GAP;
##  * aut: permutations of G's classes induced by generators of Aut(G);
##  * multiplier: abelian invariants of the Schur multiplier (HAP above order 100).
##
#############################################################################

## HAP (Debian gap-hap) computes Schur multipliers where the library's coset
## enumeration in AbelianInvariantsMultiplier runs out of space (e.g. [192,198]);
## where HAP itself fails (e.g. [120,23]) the library method is used.
LoadPackage("hap");
SchurMultiplierInvariants := function(G)
    local hap;
    if Size(G) <= 100 then return AbelianInvariantsMultiplier(G); fi;
    BreakOnError := false;
    hap := CALL_WITH_CATCH(GroupHomology, [G, 2]);
    BreakOnError := true;
    if hap[1] = true then return AbelianInvariantsOfList(hap[2]); fi;
    return AbelianInvariantsMultiplier(G);
end;

JsonString := function(s)
    local out, ch;
    out := "\"";
    for ch in s do
        if ch = '\"' or ch = '\\' then Add(out, '\\'); fi;
        if ch = '\n' then Append(out, "\\n");
        else Add(out, ch); fi;
    od;
    Add(out, '\"');
    return out;
end;

Json := function(x)
    local out, i, names;
    if x = true then return "true";
    elif x = false then return "false";
    elif IsInt(x) then return String(x);
    elif IsString(x) and (Length(x) > 0 or IsStringRep(x)) then return JsonString(x);
    elif IsRecord(x) then
        names := RecNames(x);
        out := "{";
        for i in [1..Length(names)] do
            if i > 1 then Add(out, ','); fi;
            Append(out, JsonString(names[i]));
            Add(out, ':');
            Append(out, Json(x.(names[i])));
        od;
        Add(out, '}');
        return out;
    elif IsList(x) then
        out := "[";
        for i in [1..Length(x)] do
            if i > 1 then Add(out, ','); fi;
            Append(out, Json(x[i]));
        od;
        Add(out, ']');
        return out;
    fi;
    Error("Json: cannot serialise ", x);
end;

CycValue := function(v, e)
    local coeffs, k, pairs;
    if IsInt(v) then return v; fi;
    coeffs := CoeffsCyc(v, e);
    pairs := [];
    for k in [1..Length(coeffs)] do
        if coeffs[k] <> 0 then
            if not IsInt(coeffs[k]) then Error("non-integral coefficient"); fi;
            Add(pairs, [k - 1, coeffs[k]]);
        fi;
    od;
    return pairs;
end;

## Canonical tables, one per SmallGroups id, computed once per GAP session so
## that every fusion refers to exactly the classes that were exported.
CANON := rec();
CanonicalData := function(id)
    local key, S, tbl, ccl, irr, triv;
    key := Concatenation("g", String(id[1]), "_", String(id[2]));
    if not IsBound(CANON.(key)) then
        S := SmallGroup(id);
        tbl := CharacterTable(S);
        ccl := ConjugacyClasses(tbl);
        irr := ShallowCopy(Irr(tbl));
        triv := Position(irr, TrivialCharacter(tbl));
        if triv <> 1 then
            irr := Concatenation([irr[triv]], irr{Difference([1..Length(irr)], [triv])});
        fi;
        CANON.(key) := rec(group := S, table := tbl, classes := ccl,
                           reps := List(ccl, Representative), irr := irr);
    fi;
    return CANON.(key);
end;

## class index of every element of G, by position in the sorted element list
ClassLookup := function(G, ccl)
    local els, lookup, j, x;
    els := AsSSortedList(G);
    lookup := [];
    for j in [1..Length(ccl)] do
        for x in AsList(ccl[j]) do
            lookup[PositionSorted(els, x)] := j;
        od;
    od;
    return rec(els := els, lookup := lookup);
end;

ClassOf := function(cl, x)
    return cl.lookup[PositionSorted(cl.els, x)];
end;

SubgroupRecord := function(G, cl, cls)
    local H, id, can, iso;
    H := Representative(cls);
    id := IdGroup(H);
    can := CanonicalData(id);
    iso := IsomorphismGroups(can.group, H);
    if iso = fail then Error("no isomorphism to the canonical group"); fi;
    return rec(id := id,
               length := Size(cls),
               normal := Size(cls) = 1 and IsNormal(G, H),
               fusion := List(can.reps, s -> ClassOf(cl, Image(iso, s))));
end;

KeepSubgroup := function(n, cls)
    if n <= 100 then return true; fi;
    return Size(Representative(cls)) <= 24 or Size(cls) = 1 and IsNormal(ActingDomain(cls), Representative(cls));
end;

## StructureDescription costs seconds for many groups of order 128 and 192 (6 s for
## [128,2300], against 2 s for everything else); orders listed in NAMES_LATER get an
## empty name here and their names from names.g, merged by pack.py.
if not IsBound(NAMES_LATER) then NAMES_LATER := []; fi;
StructureName := function(G)
    if Size(G) in NAMES_LATER then return ""; fi;
    return StructureDescription(G);
end;

GroupRecord := function(n, i)
    local can, G, tbl, ccl, e, primes, pm, p, A, cl, autperms, subs, r;
    can := CanonicalData([n, i]);
    G := can.group;
    tbl := can.table;
    ccl := can.classes;
    e := Exponent(G);
    primes := Set(Factors(n));
    if n = 1 then primes := []; fi;
    pm := rec();
    for p in primes do
        pm.(String(p)) := PowerMap(tbl, p);
    od;
    if not 2 in primes then pm.("2") := PowerMap(tbl, 2); fi;
    cl := ClassLookup(G, ccl);
    A := AutomorphismGroup(G);
    autperms := List(GeneratorsOfGroup(A),
                     a -> List(can.reps, x -> ClassOf(cl, Image(a, x))));
    subs := List(Filtered(ConjugacyClassesSubgroups(G), c -> KeepSubgroup(n, c)),
                 c -> SubgroupRecord(G, cl, c));
    r := rec(id := [n, i],
             name := StructureName(G),
             exponent := e,
             abelian := IsAbelian(G),
             nilpotent := IsNilpotentGroup(G),
             solvable := IsSolvableGroup(G),
             class_sizes := SizesConjugacyClasses(tbl),
             element_orders := OrdersClassRepresentatives(tbl),
             power_maps := pm,
             irr := List(can.irr, chi -> List(chi, v -> CycValue(v, e))),
             indicators := Indicator(tbl, can.irr, 2),
             multiplier := SchurMultiplierInvariants(G),
             aut_gens := autperms,
             aut_size := Size(Group(List(autperms, PermList), ())),
             subgroups := subs);
    return r;
end;

## Resumes an interrupted order: START lists [n, first i] pairs (the build script
## counts the lines of a leftover .part file).  The cache of canonical tables is
## dropped every 25 groups: a heap of many GB makes GAP's garbage collector the
## bottleneck (the order-128 run slowed down tenfold).
if not IsBound(START) then START := []; fi;
ExportOrder := function(n)
    local file, out, i, first;
    file := Concatenation(OUTDIR, "order_", String(n), ".jsonl.part");
    first := First(START, x -> x[1] = n);
    if first = fail then first := 1; else first := first[2]; fi;
    out := OutputTextFile(file, first > 1);
    SetPrintFormattingStatus(out, false);
    for i in [first..NumberSmallGroups(n)] do
        AppendTo(out, Json(GroupRecord(n, i)), "\n");
        if i mod 25 = 0 then CANON := rec(); fi;
    od;
    CloseStream(out);
    Exec(Concatenation("mv ", file, " ", OUTDIR, "order_", String(n), ".jsonl"));
    Print("order ", n, " done (", NumberSmallGroups(n), " groups), ",
          Runtime(), " ms\n");
end;

for n in ORDERS do ExportOrder(n); od;
QUIT;
