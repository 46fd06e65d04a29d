#!/usr/bin/env python3
"""Writes a synthetic M-Pesa organisation statement (CSV) of N lines, the outcome the
matching gives each line, and the ledger references the statement assumes.

Usage:
  generate_statement.py --csv OUT.csv --expected OUT.expected --ledger OUT.ledger
                        [--lines N] [--seed S] [--from YYYY-MM-DD] [--days D]
                        [--loan AWARD:SURVIVOR:PRINCIPAL:DISBURSED_ON ...]
                        [--several SURVIVOR ...] [--inactive AWARD ...]

Arguments (the ids name what the caller's snapshot holds; the caller builds it to match):
  --lines N      statement lines after the header (default 10000)
  --seed S       the random seed (default 1); the same arguments give the same files
  --from DATE    the statement's first day (default 2026-10-01)
  --days D       how many days it covers (default 31); lines are spread over them
  --loan A:S:P:D an active loan of the fund, repeatable: award id A, survivor code S (the
                 survivor's only award of the fund), principal P in KES ("100000.00"),
                 disbursed in full on D at 0% interest with nothing repaid yet. Lines pay
                 into these by award id or survivor code (typed in any case, with spaces);
                 a payment beyond what is outstanding repays the loan, so later lines that
                 name it are no_active_loan; lines dated before D are dated_before_award.
  --several S    a survivor code with two or more active loans of the fund, repeatable;
                 none of those loans may be a --loan
  --inactive A   an award id of the fund that is not an active loan (a grant, a repaid
                 loan), repeatable
  --csv, --expected, --ledger: where to write (see below)

What is written (synthetic people only: made-up names, masked phones):
  the CSV: title and summary rows, a blank row, the header, then the lines newest first,
    CRLF; amounts sometimes quoted with thousands separators, Withdrawn sometimes negative,
    charges as rows of their own linked to their payment, Failed and other not-completed
    lines, the three completion time formats, and a Balance that is the previous (older)
    line's plus Paid In minus Withdrawn for Completed lines (others carry it unchanged);
  the expected outcomes: one line per statement line, `<line> <state> <reason or ->`,
    with the line as the reader numbers it (the file's 1-based line);
  the ledger: the M-Pesa references the ledger must hold for those outcomes, one a line,
    `<receipt> <kind> <amount> <fee> <award or -> <effective date>`, kind one of
    disbursement, repayment, fee, other, amounts in KES ("1500.00"); the caller adds them
    to its snapshot's references (and uses the default window of 3 days).

The outcomes come from a model of the rules in reports/mpesa_match.hpp run over the lines
in file order, not from the intent a line was written with, so a test that compares them
with the C++ matcher checks both.
"""

import argparse
import datetime
import random
import sys

WINDOW_DAYS = 3
STATUSES_NOT_COMPLETED = ("Cancelled", "Expired", "Pending")
FIRST_NAMES = ("Amani", "Baraka", "Chausiku", "Dalila", "Eshe", "Faraji", "Hamisi", "Imani",
               "Jabari", "Kamaria", "Lulu", "Makena", "Nia", "Omari", "Pendo", "Rehema",
               "Subira", "Tumaini", "Upendo", "Wema", "Zawadi")
INITIALS = "ABCDEFGHJKLMNOPRSTW"


def minor(text):
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def money_text(amount, grouped):
    text = f"{amount // 100:,}" if grouped else f"{amount // 100}"
    return f"{text}.{amount % 100:02d}"


def csv_cell(text):
    if any(c in text for c in ',"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def parse_day(text):
    return datetime.date.fromisoformat(text)


class Loan:
    def __init__(self, spec):
        parts = spec.split(":")
        if len(parts) != 4:
            raise SystemExit(f"--loan wants AWARD:SURVIVOR:PRINCIPAL:DISBURSED_ON, not {spec!r}")
        self.award, self.survivor = parts[0].upper(), parts[1].upper()
        self.principal = self.outstanding = minor(parts[2])
        self.disbursed_on = parse_day(parts[3])

    @property
    def active(self):
        return self.outstanding > 0


class Line:
    """One statement line: what the CSV prints, and the parts the rules read."""

    def __init__(self, receipt, moment, details, status="Completed", paid_in=0, withdrawn=0,
                 reason_type="", other_party="", linked="", account=""):
        self.receipt, self.moment, self.details, self.status = receipt, moment, details, status
        self.paid_in, self.withdrawn = paid_in, withdrawn
        self.reason_type, self.other_party = reason_type, other_party
        self.linked, self.account = linked, account
        self.balance = 0


class Model:
    """The matching rules of reports/mpesa_match.hpp over what the generator assumes the
    ledger holds: an outcome per line, the lines taken oldest first as the matcher takes
    them (by the completion time printed; within one second, the later line of the file)."""

    def __init__(self, loans, several, inactive, references):
        self.loans = {loan.award: loan for loan in loans}
        self.by_survivor = {loan.survivor: loan for loan in loans}
        self.several = set(several)
        self.inactive = set(inactive)
        self.references = references  # receipt -> (kind, amount, fee, award, date)
        self.seen = set()

    def outcome(self, line):
        status = line.status.strip().upper()
        if status != "COMPLETED":
            return "ignored", "failed" if status == "FAILED" else "not_completed"
        if line.receipt in self.seen:
            return "unmatched", "duplicate_receipt"
        self.seen.add(line.receipt)
        if line.receipt in self.references:
            return self.referenced(line, self.references[line.receipt])
        if (line.withdrawn > 0 and line.linked) or "CHARGE" in line.reason_type.upper():
            linked = self.references.get(line.linked.strip())
            if linked is None:
                return "unmatched", "linked_receipt_unknown"
            if linked[2] == 0:
                return "unmatched", "charge_without_fee"
            if line.withdrawn != linked[2]:
                return "unmatched", "charge_differs"
            return "charge", "-"
        if line.paid_in <= 0:
            return "unmatched", "not_in_ledger"
        return self.repayment(line)

    @staticmethod
    def referenced(line, reference):
        kind, amount, _, _, effective_on = reference
        if kind == "repayment":
            equal = line.paid_in == amount
        elif kind in ("disbursement", "fee"):
            equal = line.withdrawn == amount
        else:
            equal = (line.paid_in if line.paid_in != 0 else line.withdrawn) == amount
        if not equal:
            return "unmatched", "amount_differs"
        if abs((line.moment.date() - effective_on).days) > WINDOW_DAYS:
            return "unmatched", "date_outside_window"
        return "matched", "-"

    def repayment(self, line):
        account = line.account.strip().upper()
        loan = None
        if account in self.loans:
            loan = self.loans[account]
        elif account in self.inactive:
            return "unmatched", "no_active_loan"
        elif account in self.several:
            return "unmatched", "several_active_loans"
        elif account in self.by_survivor:
            loan = self.by_survivor[account]
        else:
            return "unmatched", "account_unknown"
        if not loan.active:
            return "unmatched", "no_active_loan"
        if line.moment.date() < loan.disbursed_on:
            return "unmatched", "dated_before_award"
        loan.outstanding -= line.paid_in  # beyond what is outstanding: an overpayment
        return "proposed", "-"


class Generator:
    def __init__(self, args):
        self.random = random.Random(args.seed)
        self.args = args
        self.loans = [Loan(spec) for spec in args.loan]
        self.several = [code.upper() for code in args.several]
        self.inactive = [award.upper() for award in args.inactive]
        self.references = {}
        self.lines = []
        self.outcomes = []
        self.receipts = 0
        start = datetime.datetime.combine(parse_day(args.start), datetime.time())
        self.end = start + datetime.timedelta(days=args.days)
        self.start = start
        self.moment = self.end - datetime.timedelta(seconds=1)
        self.gap = max(1, int(args.days * 86400 / max(args.lines, 1)))
        # Where a repayment pays a loan off with an overpayment: one in 5,000 lines, at
        # least one; later lines naming that loan are then no_active_loan.
        count = max(1, args.lines // 5000)
        self.overpayments = sorted(self.random.sample(range(args.lines), count))

    # ---- pieces of lines ----

    def receipt(self):
        self.receipts += 1
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        number, text = self.receipts, ""
        for _ in range(7):
            number, rest = divmod(number, 36)
            text = digits[rest] + text
        return "SG" + self.random.choice("ABCDEFGHJKLMN") + text

    def person(self):
        name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(INITIALS)}"
        phone = f"2547******{self.random.randrange(100):02d}"
        return name, phone

    def amount(self, low=50, high=3000):
        return self.random.randrange(low, high + 1) * 100 + self.random.choice((0, 0, 50, 25))

    def account_typed(self, code):
        style = self.random.randrange(4)
        if style == 1:
            return code.lower()
        if style == 2:
            return "  " + code + " "
        if style == 3:
            return " " + code.lower()
        return code

    def emit(self, line):
        line.printed, line.printed_moment = self.time_text(line.moment)
        self.lines.append(line)

    def step(self):
        self.moment -= datetime.timedelta(seconds=self.random.randrange(1, 2 * self.gap + 1))
        if self.moment < self.start:
            self.moment = self.start

    def reference(self, receipt, kind, amount, fee, day, award="-"):
        self.references[receipt] = (kind, amount, fee, award, day)

    def day_near(self, day, far):
        """A day within the window of `day`, or (far) outside it."""
        offset = self.random.randint(WINDOW_DAYS + 1, 20) if far else self.random.randint(
            0, WINDOW_DAYS)
        return day + datetime.timedelta(days=offset * self.random.choice((-1, 1)))

    # ---- lines by intent ----

    def pay_bill(self, account, amount, status="Completed"):
        name, phone = self.person()
        details = f"Pay Bill from {phone} - {name}"
        if account:
            details += f" Acc. {account.strip()}"
        return Line(self.receipt(), self.moment, details, status, paid_in=amount,
                    reason_type="Pay Bill", other_party=f"{phone} - {name}", account=account)

    def payment_out(self, amount, status="Completed"):
        name, phone = self.person()
        return Line(self.receipt(), self.moment, f"Business Payment to {phone} - {name}", status,
                    withdrawn=amount, reason_type="Business Payment",
                    other_party=f"{phone} - {name}")

    def charge(self, payment, amount, linked=True):
        return Line(self.receipt(), payment.moment, "Business Payment Charge", withdrawn=amount,
                    reason_type="Business Payment Charge",
                    linked=payment.receipt if linked else "")

    def repay_loan(self):
        if not self.loans:
            return self.unknown_account()
        loan = self.random.choice(self.loans)
        code = loan.award if self.random.random() < 0.75 else loan.survivor
        amount = self.amount()
        if loan.active and self.overpayments and len(self.lines) >= self.overpayments[0]:
            self.overpayments.pop(0)
            amount = loan.principal + self.amount(1, 500)  # repaid, and more, in any order
        self.emit(self.pay_bill(self.account_typed(code), amount))
        loan.outstanding -= amount  # what later (older) lines' amounts are sized against

    def before_disbursement(self):
        early = [loan for loan in self.loans if self.moment.date() < loan.disbursed_on]
        if not early:
            return self.repay_loan()
        self.emit(self.pay_bill(self.random.choice(early).award, self.amount()))

    def matched(self, far=False, differs=False):
        kind = self.random.choice(("repayment", "disbursement", "other", "fee"))
        amount = self.amount(100, 50000) if kind == "disbursement" else self.amount()
        on = self.day_near(self.moment.date(), far)
        if kind in ("repayment", "other") and self.random.random() < 0.8:
            line = self.pay_bill("", amount)
        else:
            line = self.payment_out(amount)
        fee = 0
        charge = None
        if kind == "disbursement":
            with_fee = self.random.random() < 0.7
            fee = self.random.choice((1500, 3300, 5300)) if with_fee else 0
            if self.random.random() < 0.8:
                charged = fee if with_fee and self.random.random() < 0.85 else 2200
                charge = self.charge(line, charged)
        self.reference(line.receipt, kind, amount + (100 if differs else 0), fee, on)
        if charge is not None:
            self.emit(charge)  # newest first: the charge's row is above its payment's
        self.emit(line)

    def not_in_ledger(self):
        line = self.payment_out(self.amount(100, 20000))
        if self.random.random() < 0.5:
            self.emit(self.charge(line, 2240))
        self.emit(line)

    def unlinked_charge(self):
        line = self.payment_out(self.amount(10, 60))
        line.details = line.reason_type = "Customer Transfer of Funds Charge"
        self.emit(line)

    def unknown_account(self):
        choice = self.random.randrange(3)
        if choice == 0:
            account = ""
        elif choice == 1:
            account = "Mama " + self.random.choice(FIRST_NAMES)
        else:
            account = f"AW-UNKNOWN{self.random.randrange(100):02d}"
        self.emit(self.pay_bill(account, self.amount()))

    def no_active_loan(self):
        if not self.inactive:
            return self.unknown_account()
        award = self.random.choice(self.inactive)
        self.emit(self.pay_bill(self.account_typed(award), self.amount()))

    def several_loans(self):
        if not self.several:
            return self.unknown_account()
        survivor = self.random.choice(self.several)
        self.emit(self.pay_bill(self.account_typed(survivor), self.amount()))

    def not_completed(self, failed):
        status = "Failed" if failed else self.random.choice(STATUSES_NOT_COMPLETED)
        if self.random.random() < 0.6:
            line = self.pay_bill(self.random.choice([""] + [l.award for l in self.loans]),
                                 self.amount(), status)
        else:
            line = self.payment_out(self.amount(), status)
        self.emit(line)

    def duplicate(self):
        """An export that repeats a line: the same line twice, one after the other."""
        before = len(self.lines)
        self.repay_loan()
        original = self.lines[before]
        copy = Line(original.receipt, original.moment, original.details, original.status,
                    original.paid_in, original.withdrawn, original.reason_type,
                    original.other_party, original.linked, original.account)
        self.emit(copy)

    def generate(self):
        intents = [
            (30, self.repay_loan),
            (2, self.before_disbursement),
            (12, self.matched),
            (4, lambda: self.matched(differs=True)),
            (3, lambda: self.matched(far=True)),
            (6, self.not_in_ledger),
            (2, self.unlinked_charge),
            (6, self.unknown_account),
            (4, self.no_active_loan),
            (3, self.several_loans),
            (5, lambda: self.not_completed(True)),
            (2, lambda: self.not_completed(False)),
            (2, self.duplicate),
        ]
        total = sum(weight for weight, _ in intents)
        while len(self.lines) < self.args.lines:
            self.step()
            pick = self.random.randrange(total)
            for weight, intent in intents:
                if pick < weight:
                    intent()
                    break
                pick -= weight
        del self.lines[self.args.lines:]
        self.outcomes = self.match()

    def match(self):
        """Each line's outcome, by the model run over fresh loans, oldest line first."""
        model = Model([Loan(spec) for spec in self.args.loan], self.several, self.inactive,
                      self.references)
        outcomes = [None] * len(self.lines)
        order = sorted(range(len(self.lines)),
                       key=lambda i: (self.lines[i].printed_moment, -i))
        for index in order:
            outcomes[index] = model.outcome(self.lines[index])
        return outcomes

    # ---- output ----

    def balances(self):
        """Balances from the oldest line up; the opening keeps every balance positive."""
        running, lowest = 0, 0
        for line in reversed(self.lines):
            if line.status == "Completed":
                running += line.paid_in - line.withdrawn
            lowest = min(lowest, running)
        opening = -lowest + 100_000_00
        running = opening
        for line in reversed(self.lines):
            if line.status == "Completed":
                running += line.paid_in - line.withdrawn
            line.balance = running
        return opening, running

    def time_text(self, moment):
        """The completion time as one of the portal's formats, and the moment it says (the
        two without seconds say the minute's start)."""
        style = self.random.randrange(3)
        if style == 0:
            return moment.strftime("%Y-%m-%d %H:%M:%S"), moment
        minute = moment.replace(second=0, microsecond=0)
        if style == 1:
            return moment.strftime("%d/%m/%Y %H:%M"), minute
        return moment.strftime("%d-%m-%Y %I:%M %p"), minute

    def amount_cell(self, amount, negative=False):
        if amount == 0:
            return ""
        text = money_text(amount, self.random.random() < 0.5)
        if negative and self.random.random() < 0.5:
            text = "-" + text
        return csv_cell(text)

    def write(self):
        opening, closing = self.balances()
        last_day = (self.end - datetime.timedelta(days=1)).strftime("%d-%m-%Y")
        rows = [
            "Organisation Statement,,,,,,,,,,,,",
            "Organisation Name:,Example Livelihoods Trust,,,,,,,,,,,",
            f"Time Period:,{self.start.strftime('%d-%m-%Y')} to {last_day},,,,,,,,,,,",
            f"Opening Balance:,{csv_cell(money_text(opening, True))},Closing Balance:,"
            f"{csv_cell(money_text(closing, True))},,,,,,,,,",
            ",,,,,,,,,,,,",
            "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,"
            "Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,"
            "Linked Transaction ID,A/C No.",
        ]
        first = len(rows) + 1
        expected = []
        for index, line in enumerate(self.lines):
            when = line.printed
            rows.append(",".join([
                line.receipt, when, when, csv_cell(line.details), line.status,
                self.amount_cell(line.paid_in), self.amount_cell(line.withdrawn, True),
                csv_cell(money_text(line.balance, self.random.random() < 0.5)),
                "true" if line.status == "Completed" else "false", csv_cell(line.reason_type),
                csv_cell(line.other_party), line.linked, csv_cell(line.account),
            ]))
            state, reason = self.outcomes[index]
            expected.append(f"{first + index} {state} {reason}\n")
        with open(self.args.csv, "w", encoding="utf-8", newline="") as out:
            out.write("\r\n".join(rows) + "\r\n")
        with open(self.args.expected, "w", encoding="utf-8") as out:
            out.writelines(expected)
        with open(self.args.ledger, "w", encoding="utf-8") as out:
            for receipt, (kind, amount, fee, award, day) in self.references.items():
                out.write(f"{receipt} {kind} {money_text(amount, False)} "
                          f"{money_text(fee, False)} {award} {day.isoformat()}\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="start", default="2026-10-01")
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--loan", action="append", default=[])
    parser.add_argument("--several", action="append", default=[])
    parser.add_argument("--inactive", action="append", default=[])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--ledger", required=True)
    args = parser.parse_args(argv[1:])
    if args.lines < 1 or args.days < 1:
        parser.error("--lines and --days must be positive")
    generator = Generator(args)
    generator.generate()
    generator.write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
