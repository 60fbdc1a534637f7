#!/usr/bin/env bash
# Table-driven bad-input test (issue 8): every reader and every command, one row per broken input.
# Each row (fields separated by ';;') gives the exact exit code (STYLE: 1 runtime, data or config
# error, 2 usage error), a fixed string the message must contain that names the place (FILE:LINE: column 'NAME', FILE:LINE:COL,
# a JSON member or an option; several strings joined by " && " must all appear), and the command
# line (evaluated, so $B, $DATA, $OKP and $TMP expand).
# Every row also checks that the error is exactly one line on stderr starting "ssoc: " and that
# nothing at all went to stdout (no half-printed report before the error).
# Fixtures live in tests/badinput/: the broken value of a CSV fixture sits on line 4 (line 1 is a
# comment, line 2 the header), so the line numbers below also check that comments are counted.
. "$(dirname "$0")/lib.sh"
B="$SSOC_SOURCE_DIR/tests/badinput"
OKP="$B/params_ok.json"

# has_all "A && B" FILE: FILE contains every fixed string A, B, ... (in any order)
has_all() {
  local rest=$1 part
  while :; do
    part=${rest%% && *}
    grep -qF -- "$part" "$2" || return 1
    [ "$part" = "$rest" ] && return 0
    rest=${rest#* && }
  done
}

run_table() {
  local row rc needle args n=0
  while IFS= read -r row; do
    case $row in '' | '#'*) continue ;; esac
    rc=${row%%;;*}; row=${row#*;;}
    needle=${row%%;;*}; args=${row#*;;}
    rc=$(echo $rc) needle=$(echo "$needle" | sed 's/^ *//; s/ *$//')
    n=$((n + 1))
    eval "set -- $args"
    "$SSOC" "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$? lines
    lines=$(wc -l <"$TMP/err")
    if [ "$got" != "$rc" ]; then
      bad "row $n ($args): exit $got, wanted $rc; stderr: $(cat "$TMP/err")"
    elif [ "$lines" != 1 ] || ! head -c 6 "$TMP/err" | grep -q '^ssoc: '; then
      bad "row $n ($args): error is not one 'ssoc: ' line: $(cat "$TMP/err")"
    elif ! has_all "$needle" "$TMP/err"; then
      bad "row $n ($args): message lacks '$needle': $(cat "$TMP/err")"
    elif [ -s "$TMP/out" ]; then
      bad "row $n ($args): wrote to stdout before failing: $(head -c 200 "$TMP/out")"
    else
      ok
    fi
  done
  echo "$n rows"
}

run_table <<'TABLE'
# ---- CSV data reader (ssoc fit DATA.csv; the same reader serves predict/validate --data) ----
1 ;; missing_column.csv:2: missing required column 'sigma' ;; fit $B/missing_column.csv
1 ;; column_case.csv:2: missing required column 'sigma' (found 'Sigma' ;; fit $B/column_case.csv
1 ;; duplicate_column.csv:2: header: duplicate column 'rho' ;; fit $B/duplicate_column.csv
1 ;; empty_column_name.csv:2: header: column 3 has an empty name ;; fit $B/empty_column_name.csv
1 ;; no_regime.csv:2: missing column 'regime' (PCC|SCC) or 'd_max' ;; fit $B/no_regime.csv
1 ;; non_numeric.csv:4: column 'rho': 'abc' is not a number ;; fit $B/non_numeric.csv
1 ;; nan.csv:4: column 'sigma': 'nan' is NaN ;; fit $B/nan.csv
1 ;; inf.csv:4: column 'T': 'inf' is infinite ;; fit $B/inf.csv
1 ;; overflow.csv:4: column 'D_hop': '1e400' overflows a double ;; fit $B/overflow.csv
1 ;; underflow.csv:4: column 'sigma': '1e-400' underflows a double ;; fit $B/underflow.csv
1 ;; empty_field.csv:4: column 'T': empty field ;; fit $B/empty_field.csv
1 ;; x_zero.csv:4: column 'x': '0' is outside the open interval (0, 1) ;; fit $B/x_zero.csv
1 ;; x_one.csv:4: column 'x': '1' is outside the open interval (0, 1) ;; fit $B/x_one.csv
1 ;; rho_zero.csv:4: column 'rho': '0' must be > 0 ;; fit $B/rho_zero.csv
1 ;; T_negative.csv:4: column 'T': '-300' must be > 0 ;; fit $B/T_negative.csv
1 ;; D_hop_zero.csv:4: column 'D_hop': '0' must be > 0 ;; fit $B/D_hop_zero.csv
1 ;; sigma_negative.csv:4: column 'sigma': '-6e-4' must be > 0 ;; fit $B/sigma_negative.csv
1 ;; unknown_regime.csv:4: column 'regime': 'XCC' is not PCC or SCC ;; fit $B/unknown_regime.csv
1 ;; d_max_negative.csv:4: column 'd_max': '-1' must be >= 0 ;; fit $B/d_max_negative.csv
1 ;; ragged.csv:4: expected 6 fields (as in the header on line 2), found 5 ;; fit $B/ragged.csv
1 ;; quoted.csv:4: column 'rho': '"' found ;; fit $B/quoted.csv
1 ;; nul_byte.csv:4: NUL byte in the line ;; fit $B/nul_byte.csv
1 ;; header_only.csv:2: header but no data rows ;; fit $B/header_only.csv
1 ;; comments_only.csv:3: no header line ;; fit $B/comments_only.csv
1 ;; empty.csv:1: empty file ;; fit $B/empty.csv
1 ;; no_such_file.csv: cannot open CSV data file: No such file or directory ;; fit $B/no_such_file.csv
1 ;; badinput: is a directory, not a CSV data file ;; fit $B
1 ;; too_few_pcc.csv: stage 1 (E0, alpha_E) needs at least 2 PCC points ;; fit $B/too_few_pcc.csv
1 ;; too_few_scc.csv: stage 2 (v_c, n_H) needs at least 2 SCC points ;; fit $B/too_few_scc.csv
1 ;; singular_pcc.csv: stage 1 (E0, alpha_E): singular design ;; fit $B/singular_pcc.csv
1 ;; non_numeric.csv:4: column 'rho': 'abc' is not a number ;; predict --x 0.7 --rho 1.6 --data $B/non_numeric.csv
1 ;; ragged.csv:4: expected 6 fields ;; validate $DATA --data $B/ragged.csv
# ---- CSV external table of validate (x, rho, T, sigma, optional Ea) ----
1 ;; ext_missing_sigma.csv:2: missing required column 'sigma' ;; validate $B/ext_missing_sigma.csv
1 ;; ext_bad_Ea.csv:4: column 'Ea': 'fast' is not a number ;; validate $B/ext_bad_Ea.csv
1 ;; ext_x_range.csv:4: column 'x': '1.5' is outside the open interval ;; validate $B/ext_x_range.csv
1 ;; nul_byte.csv:4: NUL byte in the line ;; validate $B/nul_byte.csv
# ---- JSON parameter file (--params FILE.json of predict and validate) ----
1 ;; params_truncated.json:14:3: not valid JSON ;; predict --x 0.7 --rho 1.6 --params $B/params_truncated.json
1 ;; params_nan.json:31:13: not valid JSON ;; predict --x 0.7 --rho 1.6 --params $B/params_nan.json
1 ;; params_inf.json: parameter 'beta1': member 'value' is not finite ;; predict --x 0.7 --rho 1.6 --params $B/params_inf.json
1 ;; params_missing_name.json: parameters: an entry has no string 'name' ;; predict --x 0.7 --rho 1.6 --params $B/params_missing_name.json
1 ;; params_wrong_type.json: parameter 'E0': member 'value' is not a number ;; predict --x 0.7 --rho 1.6 --params $B/params_wrong_type.json
1 ;; params_missing_param.json: parameters: 'beta3' is missing ;; predict --x 0.7 --rho 1.6 --params $B/params_missing_param.json
1 ;; params_unknown_param.json: parameters: unknown parameter 'alpha' ;; predict --x 0.7 --rho 1.6 --params $B/params_unknown_param.json
1 ;; params_duplicate.json: parameters: 'E0' given twice ;; predict --x 0.7 --rho 1.6 --params $B/params_duplicate.json
1 ;; params_vc_zero.json: parameters: v_c and n_H must be > 0 ;; predict --x 0.7 --rho 1.6 --params $B/params_vc_zero.json
1 ;; params_fixed_type.json: parameter 'n_H': member 'fixed' must be true or false ;; predict --x 0.7 --rho 1.6 --params $B/params_fixed_type.json
1 ;; params_format.json: not an ssoc parameter file (member 'format' ;; predict --x 0.7 --rho 1.6 --params $B/params_format.json
1 ;; params_newer.json: format version 2 is newer than this ssoc reads (1) ;; predict --x 0.7 --rho 1.6 --params $B/params_newer.json
1 ;; params_not_array.json: member 'parameters' is missing or not an array ;; predict --x 0.7 --rho 1.6 --params $B/params_not_array.json
1 ;; params_boot_B1.json: bootstrap: member 'B' must be a whole number >= 2 ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_B1.json
1 ;; params_boot_rows.json: bootstrap: 'replicates' must be an array of B = 3 rows ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_rows.json
1 ;; params_boot_partly_null.json: bootstrap.replicates[1]: partly null ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_partly_null.json
1 ;; params_jack_row.json: bootstrap.jackknife[1]: must hold 9 values ;; predict --x 0.7 --rho 1.6 --params $B/params_jack_row.json
1 ;; params_boot_seed.json: bootstrap: member 'seed' must be a whole number ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_seed.json
1 ;; params_boot_confidence.json: bootstrap: member 'confidence' must lie strictly between 0 and 1 ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_confidence.json
1 ;; params_boot_scheme.json: bootstrap: member 'scheme' ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_scheme.json
1 ;; params_range.json: data.range: member 'x' must be [min, max] ;; predict --x 0.7 --rho 1.6 --params $B/params_range.json
1 ;; no_such.json: cannot open parameter file ;; predict --x 0.7 --rho 1.6 --params $B/no_such.json
1 ;; nan.csv:1:1: not valid JSON ;; predict --x 0.7 --rho 1.6 --params $B/nan.csv
1 ;; params_newer.json: format version 2 is newer ;; validate $DATA --params $B/params_newer.json
# parameters that overflow exp (beta0 = 1000: f_eff = e^1000): a clear error, never a NaN or inf result
1 ;; predict: sigma is not finite at x = 0.7, rho = 1.6, T = 500 with these parameters ;; predict --x 0.7 --rho 1.6 --params $B/params_overflow.json
1 ;; zhou2024_mlff_300K.csv:8: the model gives sigma = inf at x = 0.67 ;; validate $SSOC_SOURCE_DIR/data/zhou2024_mlff_300K.csv --params $B/params_overflow.json
1 ;; params_wrong_type.json: parameter 'E0': member 'value' is not a number ;; validate $DATA --params $B/params_wrong_type.json
# ---- sweep configuration (INI): every row fails before any output is created ----
1 ;; unknown_section.ini:5: [plotting]: unknown section ;; sweep $B/unknown_section.ini -o $TMP/s.h5
1 ;; unknown_key.ini:5: [bootstrap] replicates: unknown key ;; sweep $B/unknown_key.ini -o $TMP/s.h5
1 ;; duplicate_key.ini:7: [bootstrap] B: duplicate key (first given at ;; sweep $B/duplicate_key.ini -o $TMP/s.h5
1 ;; bad_number.ini:5: [bootstrap] confidence: '0.9five' is not a number in (0, 1) ;; sweep $B/bad_number.ini -o $TMP/s.h5
1 ;; confidence_one.ini:5: [bootstrap] confidence: '1' is not a number in (0, 1) ;; sweep $B/confidence_one.ini -o $TMP/s.h5
1 ;; confidence_zero.ini:5: [bootstrap] confidence: '0' is not a number in (0, 1) ;; sweep $B/confidence_zero.ini -o $TMP/s.h5
1 ;; B_zero.ini:5: [bootstrap] B: B = 0: need at least 2 replicates ;; sweep $B/B_zero.ini -o $TMP/s.h5
1 ;; B_huge.ini:5: [bootstrap] B: B = 100000000000 exceeds the limit ;; sweep $B/B_huge.ini -o $TMP/s.h5
1 ;; B_negative.ini:5: [bootstrap] B: '-5' is not a positive integer ;; sweep $B/B_negative.ini -o $TMP/s.h5
1 ;; seed_negative.ini:5: [bootstrap] seed: '-1' is not a non-negative 64-bit integer ;; sweep $B/seed_negative.ini -o $TMP/s.h5
1 ;; scheme_unknown.ini:5: [bootstrap] scheme: 'block' is not residual, stratified or case ;; sweep $B/scheme_unknown.ini -o $TMP/s.h5
1 ;; interval_unknown.ini:5: [bootstrap] interval: 'median' is not expanded, percentile or bca ;; sweep $B/interval_unknown.ini -o $TMP/s.h5
1 ;; method_unknown.ini:5: [fit] method: 'three-stage' is not joint or staged ;; sweep $B/method_unknown.ini -o $TMP/s.h5
1 ;; free_unknown.ini:5: [fit] free: 'E0': only ln_A can be listed ;; sweep $B/free_unknown.ini -o $TMP/s.h5
1 ;; kim2026_lps_aimd_500K.csv: ln_A can be freed only when the data span two or more temperatures; all 23 points are at 500 K ;; sweep $B/free_lnA_one_T.ini -o $TMP/s.h5
1 ;; range_inverted.ini:5: [grid] x: '0.80:0.60:11': empty or inverted range ;; sweep $B/range_inverted.ini -o $TMP/s.h5
1 ;; range_empty.ini:5: [grid] rho: '1.5:1.5:5': empty or inverted range ;; sweep $B/range_empty.ini -o $TMP/s.h5
1 ;; count_zero.ini:5: [grid] T: '300:800:0': count is 0 ;; sweep $B/count_zero.ini -o $TMP/s.h5
1 ;; count_huge.ini:5: [grid] rho: '1.3:2.2:100000000': count 100000000 exceeds the limit ;; sweep $B/count_huge.ini -o $TMP/s.h5
1 ;; grid_too_large.ini: [grid]: 1000000 x 1000000 x 11 = 1.1e+13 points exceeds the limit ;; sweep $B/grid_too_large.ini -o $TMP/s.h5
1 ;; axis_not_triplet.ini:5: [grid] T: '300:800' is not start:stop:count ;; sweep $B/axis_not_triplet.ini -o $TMP/s.h5
1 ;; list_not_increasing.ini:5: [grid] T: list must be strictly increasing (item 3: 400 after 500) ;; sweep $B/list_not_increasing.ini -o $TMP/s.h5
1 ;; list_bad_item.ini:5: [grid] T: list item 2 ;; sweep $B/list_bad_item.ini -o $TMP/s.h5
1 ;; x_outside.ini:5: [grid] x: values must lie in (0, 1) (got 0.5 .. 1) ;; sweep $B/x_outside.ini -o $TMP/s.h5
1 ;; T_negative.ini:5: [grid] T: values must lie in (0, inf) ;; sweep $B/T_negative.ini -o $TMP/s.h5
1 ;; empty_value.ini:5: [bootstrap] seed: empty value ;; sweep $B/empty_value.ini -o $TMP/s.h5
1 ;; fix_unknown.ini:5: [fit] fix: unknown parameter 'gamma' ;; sweep $B/fix_unknown.ini -o $TMP/s.h5
1 ;; fix_vc_zero.ini:5: [fit] fix: v_c must be > 0 ;; sweep $B/fix_vc_zero.ini -o $TMP/s.h5
1 ;; fix_with_published.ini:6: [fit] fix: only applies with params = fit ;; sweep $B/fix_with_published.ini -o $TMP/s.h5
1 ;; params_missing.ini:5: [fit] params: 'nosuch.json' is neither fit, published nor an existing parameter file ;; sweep $B/params_missing.ini -o $TMP/s.h5
1 ;; params_wrong_type.json: parameter 'E0': member 'value' is not a number ;; sweep $B/params_bad_json.ini -o $TMP/s.h5
1 ;; target_negative.ini:5: [target] sigma: '-1e-3' is not a positive conductivity ;; sweep $B/target_negative.ini -o $TMP/s.h5
1 ;; block_zero.ini:5: [output] block: '0' is not a positive integer ;; sweep $B/block_zero.ini -o $TMP/s.h5
1 ;; d_crit_bad.ini:4: [data] d_crit: '-6' is not a positive number ;; sweep $B/d_crit_bad.ini -o $TMP/s.h5
1 ;; indented.ini:6: [bootstrap] B: indented line 'seed = 3' would continue the previous value ;; sweep $B/indented.ini -o $TMP/s.h5
1 ;; syntax_error.ini:5: syntax error ;; sweep $B/syntax_error.ini -o $TMP/s.h5
1 ;; long_line.ini:5: line longer than 197 characters ;; sweep $B/long_line.ini -o $TMP/s.h5
1 ;; key_before_section.ini:2: key 'B' before any [section] ;; sweep $B/key_before_section.ini -o $TMP/s.h5
1 ;; data_missing.ini:3: [data] file: data file ' && badinput/no_such_data.csv' not found (relative to the config file's directory) ;; sweep $B/data_missing.ini -o $TMP/s.h5
1 ;; no_data.ini: [data] file: missing ;; sweep $B/no_data.ini -o $TMP/s.h5
1 ;; non_numeric.csv:4: column 'rho': 'abc' is not a number ;; sweep $B/data_bad.ini -o $TMP/s.h5
1 ;; no_such.ini: cannot open config file: No such file or directory ;; sweep $B/no_such.ini -o $TMP/s.h5
1 ;; --set bootstrap.B: expected SECTION.KEY=VALUE ;; sweep $B/ok.ini --set bootstrap.B -o $TMP/s.h5
1 ;; --set nosuch.B=3: [nosuch] B: unknown section ;; sweep $B/ok.ini --set nosuch.B=3 -o $TMP/s.h5
1 ;; --set bootstrap.b=3: [bootstrap] b: unknown key ;; sweep $B/ok.ini --set bootstrap.b=3 -o $TMP/s.h5
1 ;; --set bootstrap.B=4: [bootstrap] B: given twice with --set ;; sweep $B/ok.ini --set bootstrap.B=3 --set=bootstrap.B=4 -o $TMP/s.h5
1 ;; --set grid.x=2: [grid] x: values must lie in (0, 1) ;; sweep $B/ok.ini --set grid.x=2 -o $TMP/s.h5
1 ;; --set data.file=nosuch.csv: [data] file: data file 'nosuch.csv' not found ;; sweep $B/ok.ini --set data.file=nosuch.csv -o $TMP/s.h5
# ---- issue 17: unit mistakes and implausible values, on every input path ----
1 ;; rho_kg_m3.csv:4: column 'rho': 1730 g/cm3 is above the plausible 1 to 3 g/cm3 && it looks like kg/m3 (1730 kg/m3 = 1.73 g/cm3); write the header 'rho [kg/m3]' to convert; --allow-implausible ;; fit $B/rho_kg_m3.csv
1 ;; T_celsius.csv:4: column 'T': 227 K is below the plausible 230 to 1500 K && it looks like degrees Celsius (227 degrees Celsius = 500.15 K); write the header 'T [C]' ;; fit $B/T_celsius.csv
1 ;; sigma_mS_cm.csv:4: column 'sigma': 3.4 S/cm is above the plausible && it looks like mS/cm (3.4 mS/cm = 0.0034 S/cm) ;; fit $B/sigma_mS_cm.csv
1 ;; D_hop_m2_s.csv:4: column 'D_hop': 6e-11 cm2/s is below the plausible && it looks like m2/s (6e-11 m2/s = 6e-07 cm2/s) ;; fit $B/D_hop_m2_s.csv
1 ;; x_percent.csv:4: column 'x': '70' is outside the open interval (0, 1): it looks like a percentage (use 0.7 ;; fit $B/x_percent.csv
1 ;; unit_unknown.csv:2: column 'rho [lb/ft3]': unknown unit 'lb/ft3' for rho; known: g/cm3 ;; fit $B/unit_unknown.csv
1 ;; unit_misspelt.csv:2: column 'sigma [mS/xm]': unknown unit 'mS/xm' for sigma (did you mean 'mS/cm'?) ;; fit $B/unit_misspelt.csv
1 ;; unit_twice.csv:2: column 'rho [kg/m3]': rho is given twice (also as 'rho') ;; fit $B/unit_twice.csv
1 ;; T_celsius_header_negative.csv:4: column 'T [C]': '-300' (= -26.85 K) must be > 0 ;; fit $B/T_celsius_header_negative.csv
1 ;; T_celsius.csv:4: column 'T': 227 K is below ;; predict --x 0.7 --rho 1.6 --data $B/T_celsius.csv
1 ;; rho_kg_m3.csv:4: column 'rho': 1730 g/cm3 ;; validate $DATA --data $B/rho_kg_m3.csv
1 ;; ext_T_celsius.csv:4: column 'T': 27 K is below the plausible 230 to 1500 K && degrees Celsius (27 degrees Celsius = 300.15 K) ;; validate $B/ext_T_celsius.csv
1 ;; ext_Ea_meV.csv:3: column 'Ea': 313 eV is above the plausible maximum 2 eV && it looks like meV (313 meV = 0.313 eV) ;; validate $B/ext_Ea_meV.csv
1 ;; T_celsius.csv:4: column 'T': 227 K is below && [data] allow_implausible = true for a deliberate ;; sweep $B/ok.ini --set data.file=$B/T_celsius.csv -o $TMP/s.h5
2 ;; predict: option --rho: 1730 g/cm3 is above the plausible 1 to 3 g/cm3 && it looks like kg/m3 (1730 kg/m3 = 1.73 g/cm3); --allow-implausible ;; predict --x 0.75 --rho 1730
2 ;; predict: option --T: 227 K is below the plausible 230 to 1500 K && it looks like degrees Celsius (227 degrees Celsius = 500.15 K) ;; predict --x 0.75 --rho 1.73 --T 227
2 ;; predict: option --T: -20 must be > 0 K (degrees Celsius? -20 C = 253.15 K) ;; predict --x 0.75 --rho 1.73 --T -20
2 ;; predict: option --x: 75 must lie strictly between 0 and 1 (a percentage? ;; predict --x 75 --rho 1.73
1 ;; target_mS.ini:5: [target] sigma: 3 S/cm is above the plausible && it looks like mS/cm (3 mS/cm = 0.003 S/cm); [grid] allow_implausible = true ;; sweep $B/target_mS.ini -o $TMP/s.h5
1 ;; target_unreachable.ini: [target] sigma: the model's sigma peaks at && times below the target 0.5 S/cm: P(sigma >= target) would be 0 at every point && [grid] allow_implausible = true to sweep anyway ;; sweep $B/target_unreachable.ini -o $TMP/s.h5
1 ;; grid_rho_kg.ini:5: [grid] rho: 1300 g/cm3 is above the plausible 1 to 3 g/cm3 && it looks like kg/m3 (1300 kg/m3 = 1.3 g/cm3) ;; sweep $B/grid_rho_kg.ini -o $TMP/s.h5
1 ;; --set grid.rho=1300:2200:181: [grid] rho: 1300 g/cm3 is above && kg/m3 ;; sweep $B/ok.ini --set grid.rho=1300:2200:181 -o $TMP/s.h5
1 ;; grid_T_celsius.ini:5: [grid] T: 27 K is below the plausible && degrees Celsius (27 degrees Celsius = 300.15 K) ;; sweep $B/grid_T_celsius.ini -o $TMP/s.h5
1 ;; --set grid.T=-20,0,25: [grid] T: values must lie in (0, inf) (got -20 .. 25): it looks like degrees Celsius ;; sweep $B/ok.ini --set grid.T=-20,0,25 -o $TMP/s.h5
1 ;; --set grid.x=60:80:21: [grid] x: values must lie in (0, 1) (got 60 .. 80): it looks like a percentage ;; sweep $B/ok.ini --set grid.x=60:80:21 -o $TMP/s.h5
1 ;; --set target.sigma=3: [target] sigma: 3 S/cm is above && mS/cm ;; sweep $B/ok.ini --set target.sigma=3 -o $TMP/s.h5
1 ;; allow_bad.ini:5: [grid] allow_implausible: 'maybe' is not true or false ;; sweep $B/allow_bad.ini -o $TMP/s.h5
# ---- issue 17: did you mean ...? ----
1 ;; misspelt_section.ini:5: [bootstrp]: unknown section (did you mean 'bootstrap'?) ;; sweep $B/misspelt_section.ini -o $TMP/s.h5
1 ;; misspelt_key.ini:5: [bootstrap] confidance: unknown key (did you mean 'confidence'?) ;; sweep $B/misspelt_key.ini -o $TMP/s.h5
1 ;; --set bootstrap.b=3: [bootstrap] b: unknown key (did you mean 'B'?) ;; sweep $B/ok.ini --set bootstrap.b=3 -o $TMP/s.h5
1 ;; --set grid.sigma=3: [grid] sigma: unknown key (did you mean '[target] sigma'?) ;; sweep $B/ok.ini --set grid.sigma=3 -o $TMP/s.h5
2 ;; unknown command 'fitt' (did you mean 'fit'?) ;; fitt
2 ;; unknown command 'rule' (did you mean 'rules'?) ;; rule
2 ;; fit: unknown option '--jsn' (did you mean '--json'?) ;; fit $DATA --jsn
2 ;; fit: unknown option '--allow-implausable' (did you mean '--allow-implausible'?) ;; fit $DATA --allow-implausable
2 ;; predict: unknown option '--t' (did you mean '--T'?) ;; predict --x 0.7 --rho 1.6 --t 500
2 ;; validate: unknown option '--param=published' (did you mean '--params'?) ;; validate $DATA --param=published
2 ;; sweep: unknown option '--fore' (did you mean '--force'?) ;; sweep $B/ok.ini --fore
2 ;; plot: unknown option '--feild' (did you mean '--field'?) ;; plot $TMP/r.h5 --feild lo
2 ;; rules: unknown option '--cvs' (did you mean '--csv'?) ;; rules $TMP/r.h5 --cvs
2 ;; rules: unknown option '--bogus' (see ;; rules $TMP/r.h5 --bogus
# ---- command lines: sweep ----
2 ;; sweep: missing CONFIG.ini ;; sweep
2 ;; sweep: unknown option '--bogus' ;; sweep $B/ok.ini --bogus
2 ;; sweep: option -o needs a value ;; sweep $B/ok.ini -o
2 ;; sweep: option --set needs a value ;; sweep $B/ok.ini --set
2 ;; sweep: more than one config file ;; sweep $B/ok.ini $B/ok.ini
2 ;; sweep: --resume: no ;; sweep $B/ok.ini -o $TMP/s.h5 --resume
# ---- command lines: rules and plot ----
2 ;; rules: missing OUT.h5 ;; rules
2 ;; rules: --json and --csv exclude each other ;; rules $TMP/r.h5 --json --csv
2 ;; rules: unknown option '--bogus' ;; rules $TMP/r.h5 --bogus
2 ;; rules: more than one sweep file ;; rules $TMP/r.h5 $TMP/r.h5
2 ;; plot: missing input file ;; plot
2 ;; plot: --field: 'bogus' is not best, median, lo, hi, width or p_exceed ;; plot $TMP/r.h5 --field bogus
2 ;; plot: --T: 'abc' is not a positive temperature in K ;; plot $TMP/r.h5 --T 300,abc
2 ;; plot: --T: '-5' is not a positive temperature in K ;; plot $TMP/r.h5 --T -5
2 ;; plot: -o && x.jpg: the picture type comes from the extension: .png, .svg or .pdf ;; plot $TMP/r.h5 -o $TMP/x.jpg
2 ;; plot: option -o needs a value ;; plot $TMP/r.h5 -o
2 ;; plot: --rules, --params, --corner and --arrhenius exclude each other ;; plot $TMP/r.h5 --rules --params
2 ;; plot: --field, --T, --sigma and --confidence apply to maps, not to --rules ;; plot $TMP/r.h5 --rules --field lo
1 ;; params_ok.json: no bootstrap replicate table ;; plot $B/params_ok.json --params -o $TMP/p.png
1 ;; params_wrong_type.json: parameter 'E0': member 'value' is not a number ;; plot $B/params_wrong_type.json --params -o $TMP/p.png
1 ;; params_ok.json: no bootstrap replicate table ;; plot $B/params_ok.json --corner -o $TMP/p.png
2 ;; plot: --at applies to --arrhenius ;; plot $OKP --corner --at 0.7,1.8
2 ;; fit: --parity && p.jpg: the picture type comes from the extension: .png, .svg or .pdf ;; fit $DATA --parity $TMP/p.jpg
2 ;; validate: --parity && /p: the picture type comes from the extension ;; validate $DATA --parity $TMP/p
# ---- command lines: top level ----
2 ;; ssoc: missing COMMAND ;;
2 ;; unknown command 'fitt' ;; fitt
2 ;; unknown command '--bogus' ;; --bogus
# ---- command lines: fit ----
2 ;; fit: unknown option '--bogus' ;; fit $DATA --bogus
2 ;; fit: missing DATA.csv ;; fit
2 ;; fit: one data file expected, got ;; fit $DATA $DATA
2 ;; fit: option -o needs a value ;; fit $DATA -o
2 ;; fit: option --fix needs a value ;; fit $DATA --fix
2 ;; fit: option --fix: 'v_c' is not NAME=VALUE ;; fit $DATA --fix v_c
2 ;; fit: option --fix: '=3' is not NAME=VALUE ;; fit $DATA --fix =3
2 ;; fit: option --fix: 'abc' is not a finite number ;; fit $DATA --fix v_c=abc
2 ;; fit: option --fix: 'nan' is not a finite number ;; fit $DATA --fix n_H=nan
2 ;; fit: option --fix: cannot fix unknown parameter 'gamma' ;; fit $DATA --fix gamma=1
2 ;; fit: option --d-crit: '-1' must be > 0 angstrom ;; fit $DATA --d-crit -1
2 ;; fit: option --d-crit: '1e999' is not a finite number ;; fit $DATA --d-crit 1e999
2 ;; fit: option --boot: '1' must be a whole number from 2 ;; fit $DATA --boot 1
2 ;; fit: option --boot: '2.5' must be a whole number ;; fit $DATA --boot 2.5
2 ;; fit: option --seed: '-1' must be a whole number from 0 ;; fit $DATA --boot 10 --seed -1
2 ;; fit: option --confidence: '1.5' must lie strictly between 0 and 1 ;; fit $DATA --boot 10 --confidence 1.5
2 ;; fit: option --confidence: '0' must lie strictly between 0 and 1 ;; fit $DATA --boot 10 --confidence=0
2 ;; fit: option --interval: 'median' is not expanded, percentile or bca ;; fit $DATA --interval median
2 ;; fit: option --scheme: 'block' is not residual, stratified or case ;; fit $DATA --scheme block
2 ;; fit: option --method: 'three-stage' is not joint or staged ;; fit $DATA --method three-stage
2 ;; fit: option --method needs a value ;; fit $DATA --method
2 ;; fit: option --free: 'E0': only ln_A can be freed ;; fit $DATA --free E0
1 ;; kim2026_lps_aimd_500K.csv: ln_A can be freed only when the data span two or more temperatures; all 23 points are at 500 K ;; fit $DATA --free ln_A
2 ;; fit: unknown option '--params' ;; fit $DATA --params published
2 ;; fit: unknown option '--data' ;; fit $DATA --data $DATA
# ---- command lines: predict ----
2 ;; predict: --x and --rho are required ;; predict --x 0.7
2 ;; predict: option --x needs a value ;; predict --rho 1.6 --x
2 ;; predict: option --x: 'abc' is not a finite number ;; predict --x abc --rho 1.6
2 ;; predict: option --x: 1.2 must lie strictly between 0 and 1 ;; predict --x 1.2 --rho 1.6
2 ;; predict: option --x: 0 must lie strictly between 0 and 1 ;; predict --x 0 --rho 1.6
2 ;; predict: option --rho: -1 must be > 0 g/cm3 ;; predict --x 0.7 --rho -1
2 ;; predict: option --T: 0 must be > 0 K ;; predict --x 0.7 --rho 1.6 --T 0
2 ;; predict: option --T: 'inf' is not a finite number ;; predict --x 0.7 --rho 1.6 --T inf
2 ;; predict: unknown option '--bogus' ;; predict --x 0.7 --rho 1.6 --bogus
2 ;; predict: unexpected argument 'extra' ;; predict --x 0.7 --rho 1.6 extra
2 ;; predict: --boot needs --data (and no --params) ;; predict --x 0.7 --rho 1.6 --boot 10
2 ;; predict: --boot needs --data (and no --params) ;; predict --x 0.7 --rho 1.6 --data $DATA --params $OKP --boot 10
2 ;; predict: --fix applies only when fitting --data ;; predict --x 0.7 --rho 1.6 --params $OKP --fix v_c=0.1
2 ;; predict: option --d-crit: '0' must be > 0 angstrom ;; predict --x 0.7 --rho 1.6 --d-crit 0
2 ;; predict: option --d-crit: 'abc' is not a finite number ;; predict --x 0.7 --rho 1.6 --data $DATA --d-crit abc
2 ;; predict: option --params needs a value ;; predict --x 0.7 --rho 1.6 --params
2 ;; predict: option --data needs a value ;; predict --x 0.7 --rho 1.6 --data
2 ;; predict: option --fix: 'v_c' is not NAME=VALUE ;; predict --x 0.7 --rho 1.6 --data $DATA --fix v_c
2 ;; predict: option --interval: 'median' is not expanded, percentile or bca ;; predict --x 0.7 --rho 1.6 --data $DATA --interval median
2 ;; predict: --method applies only when fitting --data (without --params) ;; predict --x 0.7 --rho 1.6 --params $OKP --method staged
2 ;; predict: --method applies only when fitting --data (without --params) ;; predict --x 0.7 --rho 1.6 --method joint
2 ;; predict: --fix applies only when fitting --data ;; predict --x 0.7 --rho 1.6 --free ln_A
# ---- command lines: validate ----
2 ;; validate: missing DATA.csv ;; validate
2 ;; validate: unknown option '--bogus' ;; validate $DATA --bogus
2 ;; validate: one external data file expected ;; validate $DATA $DATA
2 ;; validate: --json and --csv exclude each other ;; validate $DATA --json --csv
2 ;; validate: --params and --data exclude each other ;; validate $DATA --params published --data $DATA
2 ;; validate: bootstrap options need --data FIT.csv ;; validate $DATA --boot 10
2 ;; validate: bootstrap options need --data FIT.csv ;; validate $DATA --seed 3
2 ;; validate: --fix, --method and --d-crit apply only when fitting --data FIT.csv ;; validate $DATA --fix v_c=0.1
2 ;; validate: --fix, --method and --d-crit apply only when fitting --data FIT.csv ;; validate $DATA --method staged
2 ;; validate: option --params needs a value ;; validate $DATA --params
2 ;; validate: option --data needs a value ;; validate $DATA --data
2 ;; validate: option --d-crit: '-1' must be > 0 angstrom ;; validate $DATA --data $DATA --d-crit -1
2 ;; validate: --fix, --method and --d-crit apply only when fitting --data FIT.csv ;; validate $DATA --d-crit 5
2 ;; validate: option --fix: cannot fix unknown parameter 'gamma' ;; validate $DATA --data $DATA --fix gamma=1
2 ;; validate: option --scheme: 'block' is not residual, stratified or case ;; validate $DATA --data $DATA --scheme block
2 ;; validate: option --boot: '1' must be a whole number from 2 ;; validate $DATA --data $DATA --boot 1
TABLE

# ---- HDF5 inputs: the .partial file that `sweep --resume` reads back ----
# (not HDF5, truncated, an HDF5 file that is not an ssoc sweep, a sweep of a newer format version,
# a sweep of another configuration). Built here from a real 1-point sweep; the last three need h5py.
if "$SSOC" sweep "$B/ok.ini" -o "$TMP/ok.h5" -q >/dev/null 2>&1; then
  echo hello >"$TMP/text.h5.partial"
  head -c 3000 "$TMP/ok.h5" >"$TMP/trunc.h5.partial"
  run_table <<'TABLE'
1 ;; text.h5.partial: cannot open HDF5 file ;; sweep $B/ok.ini -o $TMP/text.h5 --resume
1 ;; trunc.h5.partial: cannot open HDF5 file ;; sweep $B/ok.ini -o $TMP/trunc.h5 --resume
1 ;; ok.h5 exists; refusing to overwrite it (use --force) ;; sweep $B/ok.ini -o $TMP/ok.h5
TABLE
  if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    /usr/bin/python3 - "$TMP" <<'PY'
import h5py, numpy as np, shutil, sys
t = sys.argv[1]
with h5py.File(t + "/other.h5.partial", "w") as f:
    f["data"] = np.arange(3)
shutil.copy(t + "/ok.h5", t + "/newer.h5.partial")
with h5py.File(t + "/newer.h5.partial", "r+") as f:
    f.attrs["ssoc_format"] = np.int64(99)
PY
    cp "$TMP/ok.h5" "$TMP/otherconf.h5.partial"
    run_table <<'TABLE'
1 ;; other.h5.partial: no attribute ssoc_format on / ;; sweep $B/ok.ini -o $TMP/other.h5 --resume
1 ;; newer.h5.partial: file format 99, this ssoc writes 2 ;; sweep $B/ok.ini -o $TMP/newer.h5 --resume
1 ;; otherconf.h5.partial was started with a different configuration; refusing to resume ;; sweep $B/ok.ini --set bootstrap.B=5 -o $TMP/otherconf.h5 --resume
TABLE
  else
    echo "note: h5py not found (python3-h5py): HDF5 'not a sweep' and 'newer format' rows skipped"
  fi
else
  bad "the 1-point sweep that the HDF5 rows start from failed"
fi
# a one-node x axis leaves x_opt undefined: the failure count stays a count (it summed NaN cast to
# int64, INT64_MIN per undefined rule, before the fix; UBSan: signed overflow in rules_write)
if "$SSOC" sweep "$B/ok.ini" --set grid.rho=1.5,1.6,1.7 -o "$TMP/onex.h5" -q >/dev/null 2>&1; then
  nf=$(h5dump -a /rules/failed_replicate_optimisations "$TMP/onex.h5" | awk '/\(0\):/ { print $2 }')
  [ -n "$nf" ] && [ "$nf" -ge 0 ] && ok || bad "one-node x axis: failed_replicate_optimisations = '$nf'"
else
  bad "sweep with a one-node x axis failed"
fi
# ---- HDF5 inputs to rules and plot: a finished sweep file, broken in every way the reader checks
if "$SSOC" sweep "$SSOC_SOURCE_DIR/tests/sweep/small.ini" -o "$TMP/r.h5" -q >/dev/null 2>&1; then
  echo hello >"$TMP/r_text.h5"
  head -c 3000 "$TMP/r.h5" >"$TMP/r_trunc.h5"
  head -c $(( $(stat -c %s "$TMP/r.h5") * 2 / 3 )) "$TMP/r.h5" >"$TMP/r_trunc2.h5"
  cp "$TMP/r.h5" "$TMP/r.h5.copy"
  run_table <<'TABLE'
1 ;; r_text.h5: not an HDF5 file (expected a sweep file written by 'ssoc sweep') ;; rules $TMP/r_text.h5
1 ;; r_text.h5: not an HDF5 file ;; plot $TMP/r_text.h5 -o $TMP/p.png
1 ;; r_trunc.h5: HDF5 cannot open it: truncated or damaged file ;; rules $TMP/r_trunc.h5
1 ;; r_trunc2.h5: HDF5 cannot open it: truncated or damaged file ;; plot $TMP/r_trunc2.h5 -o $TMP/p.png
1 ;; no_such.h5: cannot open: No such file or directory ;; rules $TMP/no_such.h5
1 ;; params_ok.json: not an HDF5 file ;; plot $B/params_ok.json -o $TMP/p.png
1 ;; nodir/x.png: cannot write there: && nodir: No such file or directory ;; plot $TMP/r.h5 -o $TMP/nodir/x.png
2 ;; plot: --T 900: not a temperature of && it has T = 350, 500, 640, 800 K (no interpolation: choose one of them) ;; plot $TMP/r.h5 --T 900 -o $TMP/p.png
2 ;; rules: --T 227: not a temperature of && (degrees Celsius? 227 C = 500.15 K: use --T 500) ;; rules $TMP/r.h5 --T 227
2 ;; rules: --T: 'abc' is not a positive temperature in K ;; rules $TMP/r.h5 --T abc
TABLE
  if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    /usr/bin/python3 - "$TMP" <<'PY'
import h5py, numpy as np, shutil, sys
t = sys.argv[1] + "/"
def variant(name, edit):
    shutil.copy(t + "r.h5", t + name)
    with h5py.File(t + name, "r+") as f:
        edit(f)
with h5py.File(t + "r_other.h5", "w") as f:
    f["data"] = np.arange(3)
variant("r_newer.h5", lambda f: f.attrs.__setitem__("ssoc_format", np.int64(99)))
variant("r_nosigma.h5", lambda f: f.__delitem__("sigma/best"))
def notdone(f):
    a = f["progress/done"][()]; a[0] = 0; f["progress/done"][...] = a
variant("r_notdone.h5", notdone)
def shape(f):
    a = dict(f["rules/rho_opt"].attrs)  # the attributes as they were: their checksums hold
    del f["rules/rho_opt"]; f["rules/rho_opt"] = np.zeros((2, 2)); f["rules/rho_opt"].attrs.update(a)
variant("r_shape.h5", shape)
def nanparam(f):
    a = f["fit/params"][()]; a[2] = np.nan; f["fit/params"][...] = a
variant("r_nanparam.h5", nanparam)
PY
    run_table <<'TABLE'
1 ;; r_other.h5: not an ssoc sweep file (no root attribute 'ssoc_format' ;; rules $TMP/r_other.h5
1 ;; r_other.h5: not an ssoc sweep file ;; plot $TMP/r_other.h5 --params -o $TMP/p.png
1 ;; r_newer.h5: sweep file format 99 is newer than this ssoc reads (2) ;; rules $TMP/r_newer.h5
1 ;; r_newer.h5: sweep file format 99 is newer ;; plot $TMP/r_newer.h5 -o $TMP/p.png
1 ;; r_nosigma.h5: no dataset /sigma/best ;; plot $TMP/r_nosigma.h5 -o $TMP/p.png
1 ;; r_notdone.h5: incomplete sweep ( && blocks written): finish it with 'ssoc sweep CONFIG --resume' ;; rules $TMP/r_notdone.h5
1 ;; r_shape.h5: /rules/rho_opt has shape [2 x 2], expected ;; rules $TMP/r_shape.h5
1 ;; r_nanparam.h5: /fit/params[2] (v_c) is not finite ;; plot $TMP/r_nanparam.h5 --rules -o $TMP/p.png
TABLE
  fi
  # the reader never writes to its input
  cmp -s "$TMP/r.h5" "$TMP/r.h5.copy" && ok || bad "rules/plot modified their input"
  [ -e "$TMP/p.png" ] && bad "a failed plot left $TMP/p.png" || ok
else
  bad "the sweep that the rules/plot rows start from failed"
fi

# no config row above may have left an output behind
ls "$TMP"/s.h5* >/dev/null 2>&1 && bad "a failed sweep left $(ls "$TMP"/s.h5*)" || ok

finish
