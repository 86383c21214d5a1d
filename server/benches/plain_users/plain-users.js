// The reference of the `users_list` bench: the Users page's first screen written in plain
// JavaScript, doing the same work as the console's page (fetch the list, build the search text
// of each user, sort by name, show the count and the first page of 50 rows) and, with
// `?all`, a table of every row. Marks `plain-rendered` once the rows are laid out.
const PAGE_SIZE = 50;
const all = new URLSearchParams(location.search).has("all");

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function role(user) {
  return user.is_manager ? "Manager" : "User";
}

function status(user) {
  if (!user.active) return "Deactivated";
  return user.has_password ? "Active" : "Invited";
}

async function main() {
  const response = await fetch("/api/console/users");
  const users = await response.json();
  performance.mark("plain-loaded");
  const haystacks = users.map((u) => `${u.first_name} ${u.last_name} ${u.email}`.toLowerCase());
  const keys = users.map((u) => `${u.last_name}\0${u.first_name}`.toLowerCase());
  const order = users.map((_, index) => index);
  order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  document.getElementById("summary").textContent = `${users.length.toLocaleString("en")} users`;
  const body = document.querySelector("tbody");
  for (const index of all ? order : order.slice(0, PAGE_SIZE)) {
    const user = users[index];
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `/console/users/${user.id}`;
    link.textContent = `${user.first_name} ${user.last_name}`;
    cell(row, "").appendChild(link);
    cell(row, user.email);
    cell(row, user.mobile ?? "");
    cell(row, user.residence_country ?? "");
    cell(row, user.stable_links.join(", "));
    cell(row, role(user));
    cell(row, status(user));
    body.appendChild(row);
  }
  document.body.offsetHeight; // layout
  window.plainSearchText = haystacks.length;
  performance.mark("plain-rendered");
}

main();
