// Accounting CSV text in the shape of reference/powermta.md §4.2: the default d/b columns plus the header
// columns our config records, one file holding several record types (unused cells empty).

export const ACCT_HEADER =
  "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta,jobId,envId,queue,vmtaPool,header_Message-Id,header_Feedback-ID,feedbackType";

export const ACCT_ROWS = {
  delivered:
    'd,2026-11-24 10:00:01+0100,2026-11-24 09:59:58+0100,bounce@mail.example.com,Alice@Gmail.com,,relayed,2.0.0 (success),smtp;250 2.0.0 OK,gmail-smtp-in.l.google.com (142.250.1.27),success,smtp,mailwizz (10.0.0.5),smtp,192.0.2.10,142.250.1.27,"PIPELINING,8BITMIME,SIZE,STARTTLS",5120,vmta-192-0-2-10,job-7,,gmail.com/vmta-192-0-2-10,pool-a,<m1@mail.example.com>,c1:t1:ml:engine,',
  hardBounce:
    "b,2026-11-24 10:00:02+0100,2026-11-24 09:59:58+0100,bounce@mail.example.com,nobody@yahoo.com,,failed,5.1.1 (bad destination mailbox address),smtp;554 delivery error: dd This user doesn't have a yahoo.com account,mta5.am0.yahoodns.net (67.195.204.72),bad-mailbox,smtp,mailwizz (10.0.0.5),smtp,192.0.2.11,67.195.204.72,,0,vmta-192-0-2-11,job-7,,yahoo.com/vmta-192-0-2-11,pool-a,<m2@mail.example.com>,c1:t1:ml:engine,",
  softBounce:
    'b,2026-11-24 10:00:03+0100,,bounce@mail.example.com,full@outlook.com,,failed,5.2.2 (mailbox full),"smtp;552 5.2.2 mailbox full, ""quota"" exceeded",outlook-com.olc.protection.outlook.com (52.101.1.1),quota-issues,smtp,,smtp,192.0.2.10,52.101.1.1,,0,vmta-192-0-2-10,,,outlook.com/vmta-192-0-2-10,pool-a,<m3@mail.example.com>,,',
  remoteBounce:
    'rb,2026-11-24 10:05:00+0100,,,gone@example.org,,failed,5.7.1 (delivery not authorized),"smtp;550 5.7.1 blocked\nsee https://example.org/why",,spam-related,,,,,,,,vmta-192-0-2-12,,,,,<m4@mail.example.com>,,',
  complaint:
    "f,2026-11-24 11:00:00+0000,,,angry@aol.com,,,,,,,,,,,,,,vmta-192-0-2-10,,,,,<m5@mail.example.com>,c1:t1:ml:engine,abuse",
  deferred:
    "t,2026-11-24 10:00:04+0100,,bounce@mail.example.com,slow@gmx.de,,delayed,4.7.0 (temporary failure),smtp;421 4.7.0 try again later,mx00.gmx.net (212.227.15.9),policy-related,smtp,,smtp,192.0.2.11,212.227.15.9,,0,vmta-192-0-2-11,,,gmx.de/vmta-192-0-2-11,pool-a,<m6@mail.example.com>,,",
  queueDeferred:
    "tq,1764000000,,,,,,,smtp;421 too many connections,,bad-connection,,,,192.0.2.11,,,,vmta-192-0-2-11,,,web.de/vmta-192-0-2-11,,,,",
  received:
    "r,2026-11-24 09:59:58+0100,,bounce@mail.example.com,x@example.net,,,,,,,smtp,mailwizz (10.0.0.5),,,,,,,,,,,<m7@mail.example.com>,,",
} as const;

export function acctFile(...rows: string[]): string {
  return [ACCT_HEADER, ...rows].join("\n") + "\n";
}
