#!/usr/bin/env bash
# Table-driven bad-input test (issue 8): every reader and every command, one row per broken input.
# Each row (fields separated by ';;') gives the exact exit code (SPEC/STYLE: 1 runtime or data error, 2 usage error), a fixed
# string the message must contain that names the place (FILE:LINE: column 'NAME', FILE:LINE:COL,
# a JSON member or an option), and the command line (evaluated, so $B, $DATA, $OKP and $TMP expand).
# Every row also checks that the error is exactly one line on stderr starting "ssoc: " and that
# nothing at all went to stdout (no half-printed report before the error).
# Fixtures live in tests/badinput/: the broken value of a CSV fixture sits on line 4 (line 1 is a
# comment, line 2 the header), so the line numbers below also check that comments are counted.
. "$(dirname "$0")/lib.sh"
B="$SSOC_SOURCE_DIR/tests/badinput"
OKP="$B/params_ok.json"

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
    elif ! grep -qF -- "$needle" "$TMP/err"; then
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
1 ;; no_such_file.csv: cannot open: No such file or directory ;; fit $B/no_such_file.csv
1 ;; badinput: read error: Is a directory ;; fit $B
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
1 ;; params_boot_seed.json: bootstrap: member 'seed' must be a whole number ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_seed.json
1 ;; params_boot_confidence.json: bootstrap: member 'confidence' must lie strictly between 0 and 1 ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_confidence.json
1 ;; params_boot_scheme.json: bootstrap: member 'scheme' ;; predict --x 0.7 --rho 1.6 --params $B/params_boot_scheme.json
1 ;; params_range.json: data.range: member 'x' must be [min, max] ;; predict --x 0.7 --rho 1.6 --params $B/params_range.json
1 ;; no_such.json: cannot open parameter file ;; predict --x 0.7 --rho 1.6 --params $B/no_such.json
1 ;; nan.csv:1:1: not valid JSON ;; predict --x 0.7 --rho 1.6 --params $B/nan.csv
1 ;; params_newer.json: format version 2 is newer ;; validate $DATA --params $B/params_newer.json
1 ;; params_wrong_type.json: parameter 'E0': member 'value' is not a number ;; validate $DATA --params $B/params_wrong_type.json
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
2 ;; fit: option --interval: 'median' is not percentile or bca ;; fit $DATA --interval median
2 ;; fit: option --scheme: 'block' is not stratified or case ;; fit $DATA --scheme block
# ---- command lines: predict ----
2 ;; predict: --x and --rho are required ;; predict --x 0.7
2 ;; predict: option --x needs a value ;; predict --rho 1.6 --x
2 ;; predict: option --x: 'abc' is not a finite number ;; predict --x abc --rho 1.6
2 ;; predict: option --x: 1.2 must lie strictly between 0 and 1 ;; predict --x 1.2 --rho 1.6
2 ;; predict: option --x: 0 must lie strictly between 0 and 1 ;; predict --x 0 --rho 1.6
2 ;; predict: option --rho: -1 must be > 0 g/cm3 ;; predict --x 0.7 --rho -1
2 ;; predict: option --T: 0 must be > 0 K ;; predict --x 0.7 --rho 1.6 --T 0
2 ;; predict: option --T: 'inf' is not a finite number ;; predict --x 0.7 --rho 1.6 --T inf
2 ;; predict: unexpected argument '--bogus' ;; predict --x 0.7 --rho 1.6 --bogus
2 ;; predict: unexpected argument 'extra' ;; predict --x 0.7 --rho 1.6 extra
2 ;; predict: --boot needs --data (and no --params) ;; predict --x 0.7 --rho 1.6 --boot 10
2 ;; predict: --boot needs --data (and no --params) ;; predict --x 0.7 --rho 1.6 --data $DATA --params $OKP --boot 10
2 ;; predict: --fix applies only when fitting --data ;; predict --x 0.7 --rho 1.6 --params $OKP --fix v_c=0.1
2 ;; predict: option --d-crit: '0' must be > 0 angstrom ;; predict --x 0.7 --rho 1.6 --d-crit 0
# ---- command lines: validate ----
2 ;; validate: missing DATA.csv ;; validate
2 ;; validate: unknown option '--bogus' ;; validate $DATA --bogus
2 ;; validate: one external data file expected ;; validate $DATA $DATA
2 ;; validate: --json and --csv exclude each other ;; validate $DATA --json --csv
2 ;; validate: --params and --data exclude each other ;; validate $DATA --params published --data $DATA
2 ;; validate: bootstrap options need --data FIT.csv ;; validate $DATA --boot 10
2 ;; validate: bootstrap options need --data FIT.csv ;; validate $DATA --seed 3
2 ;; validate: --fix and --d-crit apply only when fitting --data FIT.csv ;; validate $DATA --fix v_c=0.1
2 ;; validate: option --params needs a value ;; validate $DATA --params
TABLE

finish
