// The start page: who the user is as the server sees them (from their
// certificate and the policy), and what they can do here.
import { h, replaceChildren } from "../dom";
import { may, session } from "../session";
import { link, summaryList } from "../ui";
import { worklistTitle } from "./worklist";

export async function showHome(main: HTMLElement): Promise<void> {
  const { info } = session();
  const caller = info.caller!;
  const tasks: HTMLElement[] = [];
  if (may("Referrals/ListReferrals")) tasks.push(h("li", link("#/worklist", worklistTitle())));
  if (may("Referrals/SubmitReferral")) tasks.push(h("li", link("#/submit", "Submit a referral")));
  if (may("Meetings/ListMeetings")) tasks.push(h("li", link("#/meetings", "Meetings and their agendas")));
  if (may("Meetings/ListActions")) tasks.push(h("li", link("#/actions", "Actions from meetings")));
  if (may("People/SearchPeople")) tasks.push(h("li", link("#/people", "Find a person across referrals")));
  if (may("Reports/RunReport")) tasks.push(h("li", link("#/reports", "Run a report of the partnership's figures")));
  if (may("Audit/ListAuditEntries")) tasks.push(h("li", link("#/audit", "Search the audit log")));
  if (may("Audit/GetAccessLog")) tasks.push(h("li", link("#/audit/access", "See who accessed a referral")));
  if (may("Audit/VerifyAuditLog")) tasks.push(h("li", link("#/audit/verify", "Verify the audit log")));
  if (may("Audit/ExportAuditLog")) tasks.push(h("li", link("#/audit/export", "Export the audit log")));
  if (may("Audit/BreakGlass")) tasks.push(h("li", link("#/audit/break-glass", "Break glass: read a referral in full")));
  replaceChildren(main,
    h("h1.govuk-heading-l", "Your safeguard"),
    h("h2.govuk-heading-m", "Who you are"),
    summaryList([
      ["Agency", caller.agency],
      ["You", caller.principal],
      ["Roles", info.roles.length ? info.roles.map((r) => r.replace(/_/g, " ")).join(", ") : "none"],
      ["Certificate (SHA-256)", h("code", caller.certificateSha256)],
      ["Server", `${location.host}, safeguard ${info.serverVersion}`],
    ]),
    h("h2.govuk-heading-m", "What you can do"),
    tasks.length ? h("ul.govuk-list", tasks)
                 : h("p.govuk-body", "The partnership's policy gives your certificate no tasks here."));
}
