"""Code lists of the common data model. Source mappings translate local codes onto these."""

from __future__ import annotations

SERVICES: dict[str, str] = {
    "childrens_social_care": "Children's social care",
    "early_help": "Early help",
    "adult_social_care": "Adult social care",
    "education": "Education",
    "health": "Health",
    "housing": "Housing",
    "police": "Police",
    "vcse": "Voluntary and community sector",
    "council_tax": "Council tax",
    "revenues_and_benefits": "Revenues and benefits (overpayments, sundry debts, business rates)",
    "partner_debts": "Debts a partner shares for recovery only, under its data sharing agreement",
    "electoral_registration": "Electoral registration",
    "workforce": "Workforce",
}

SEX: dict[str, str] = {"M": "Male", "F": "Female", "U": "Not known", "X": "Not specified"}

INVOLVEMENT_STATUS: dict[str, str] = {"open": "Open", "closed": "Closed"}

RELATIONSHIP_TYPES: dict[str, str] = {
    "parent": "Parent of",
    "child": "Child of",
    "sibling": "Sibling of",
    "partner": "Partner of",
    "carer": "Carer of",
    "household_member": "Lives with",
}

# Event types: one code per thing that happens, across all services. Sources map onto these.
EVENT_TYPES: dict[str, str] = {
    "contact": "Contact received",
    "referral": "Referral",
    "assessment": "Assessment (category holds factor codes, comma separated)",
    "strategy_discussion": "Strategy discussion",
    "section47": "Section 47 enquiry",
    "icpc": "Initial child protection conference",
    "cin_plan": "Child in need plan",
    "cp_plan": "Child protection plan (category holds category of abuse)",
    "cla_episode": "Looked-after episode (category holds legal status)",
    "cla_review": "Looked-after review",
    "missing_episode": "Missing from care or home",
    "early_help_episode": "Early help episode",
    "adult_involvement": "Adult social care involvement",
    "enrolment": "School enrolment",
    "attendance": "Attendance for a term (value holds % of sessions attended)",
    "suspension": "Suspension (value holds sessions)",
    "permanent_exclusion": "Permanent exclusion",
    "sen_status": "Special educational needs status (category: K or E)",
    "ehcp_request": "Request for an EHC needs assessment",
    "ehcp_issued": "EHC plan issued",
    "ehcp_exception": "An exception to the 20-week time limit applies to an EHC needs "
                      "assessment (category: the SEN2 reason; detail: the request's event id)",
    "health_visit": "Health visiting contact",
    "gp_registration": "GP registration",
    "tenancy_start": "Tenancy start",
    "tenancy_end": "Tenancy end",
    "rent_arrears": "Rent arrears recorded (value holds arrears in pounds)",
    "asb": "Anti-social behaviour report",
    "nsp": "Notice seeking possession",
    "eviction": "Eviction",
    "homelessness_application": "Homelessness application",
    "police_incident": "Safeguarding incident",
    "domestic_abuse_notification": "Domestic abuse notification",
    "vcse_support": "Voluntary sector support episode",
    "council_tax_account": "Council tax account (category SPD when single person discount)",
    "death": "Death recorded",
}

# Debts a person owes, by kind (one creditor's recovery team or a partner each).
DEBT_TYPES: dict[str, str] = {
    "council_tax_arrears": "Council tax arrears",
    "housing_benefit_overpayment": "Housing benefit overpayment",
    "sundry_debt": "Sundry debt (an invoice the council raised)",
    "business_rates": "Business rates arrears (a sole trader's, so a person's own debt)",
    "rent_arrears": "Rent arrears",
}

# How far recovery has gone, in the order it usually escalates. Sources map their own codes
# onto these, so one household's debts can be compared across creditors.
RECOVERY_STAGES: dict[str, str] = {
    "reminder": "Reminder sent",
    "final_notice": "Final notice or letter before action",
    "court_action": "Summons, claim or notice seeking possession",
    "liability_order": "Liability order or county court judgment",
    "deduction": "Deductions from earnings or benefits",
    "enforcement_agent": "With enforcement agents",
    "on_hold": "Recovery on hold",
}

PAYMENT_FREQUENCIES: dict[str, str] = {
    "weekly": "Weekly", "fortnightly": "Fortnightly", "four_weekly": "Every four weeks",
    "monthly": "Monthly",
}

# Whether an arrangement to pay is holding. Sources map their own codes onto these.
ARRANGEMENT_STATUSES: dict[str, str] = {
    "kept": "Being kept",
    "missed": "Payments missed",
    "broken": "Broken: recovery resumed",
}

EMPLOYMENT_TYPES: dict[str, str] = {"permanent": "Permanent", "agency": "Agency"}

# Assessment factor codes as in the CIN census guidance (subset commonly recorded).
ASSESSMENT_FACTORS: dict[str, str] = {
    "1A": "Alcohol misuse: child",
    "1B": "Alcohol misuse: parent",
    "1C": "Alcohol misuse: other person",
    "2A": "Drug misuse: child",
    "2B": "Drug misuse: parent",
    "2C": "Drug misuse: other person",
    "3A": "Domestic abuse: child",
    "3B": "Domestic abuse: parent",
    "3C": "Domestic abuse: other person",
    "4A": "Mental health: child",
    "4B": "Mental health: parent",
    "4C": "Mental health: other person",
    "5A": "Learning disability: child",
    "5B": "Learning disability: parent",
    "5C": "Learning disability: other person",
    "6A": "Physical disability: child",
    "6B": "Physical disability: parent",
    "6C": "Physical disability: other person",
    "7A": "Young carer",
    "8B": "Privately fostered",
    "9A": "Unaccompanied asylum seeker",
    "10A": "Going missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Neglect",
    "17A": "Emotional abuse",
    "18B": "Physical abuse: adult on child",
    "18C": "Physical abuse: child on child",
    "19B": "Sexual abuse: adult on child",
    "19C": "Sexual abuse: child on child",
    "20": "Female genital mutilation",
    "21": "Faith-linked abuse",
    "24A": "Child criminal exploitation",
    "21Z": "Other",
}
