# Sourced by the shapes' server scripts: free_ports N prints N TCP ports that no socket on the box uses, taken below
# the kernel's ephemeral range (so no outgoing connection takes one meanwhile), from one `ss` listing. A `python3`
# that binds port 0 did the same in 86 ms of the server's pinned core per start; this takes about 4 ms.
free_ports() {
  local n=$1 lo hi used p tries=0 out=()
  read -r hi _ </proc/sys/net/ipv4/ip_local_port_range
  lo=$(( hi > 13024 ? hi - 12000 : 1024 ))
  used=" $(ss -Htan 2>/dev/null | awk '{k = split($4, a, ":"); printf "%s ", a[k]}') "
  while (( ${#out[@]} < n && tries++ < 10000 )); do
    p=$(( lo + (RANDOM * 32768 + RANDOM) % (hi - lo) ))
    [[ $used == *" $p "* || " ${out[*]} " == *" $p "* ]] || out+=("$p")
  done
  echo "${out[@]}"
}
