# Shared by the benchmark scripts (sourced, not run): awk functions every results table uses.
# MEDIAN_AWK goes in front of a script's own awk program, as in
#   awk -v x=1 "$MEDIAN_AWK"' { list = list " " $2 } END { print median(list) }'
# so the table's best and median pieces are computed the same way in every table.

# sorted(list, v): the space-separated figures in list, sorted into v[1..n]; returns n.
# median(list): their median (the mean of the middle two for an even count).
# shellcheck disable=SC2034 # used by the scripts that source this file
MEDIAN_AWK='
  function sorted(list, v,   n, i, j, x) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) { x = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
    return n
  }
  function median(list,   v, n) {
    n = sorted(list, v)
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
'
