"""How the children's social care export maps onto the common model, and its code lists."""

from __future__ import annotations

from joinedup.synth import mapping_yaml as my

DATE = "%d/%m/%Y"
SOURCE_TEXT = {"6": "Police", "2A": "School", "2B": "Education services", "3A": "GP",
               "3B": "Health visitor", "3C": "School nurse", "3D": "Health - other primary",
               "3E": "Emergency department", "3F": "Health - other", "4": "Housing",
               "5A": "Adult social care", "5B": "LA - other internal", "5C": "Other LA",
               "5D": "Early help", "1A": "Family member", "1B": "Acquaintance", "1C": "Self",
               "1D": "Individual - other", "7": "Other legal agency", "8": "Other",
               "9": "Anonymous", "10": "Unknown"}
NEED_TEXT = {"N0": "Not stated", "N1": "Abuse or neglect", "N2": "Child's disability",
             "N3": "Parental illness or disability", "N4": "Family in acute stress",
             "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
             "N7": "Low income", "N8": "Absent parenting", "N9": "Cases other than CIN"}
CLOSURE_TEXT = {"RC1": "Adopted", "RC2": "Died", "RC3": "Child arrangements order",
                "RC4": "Special guardianship order", "RC5": "Transferred to another LA",
                "RC6": "Transferred to adult social care", "RC7": "Services ceased",
                "RC8": "Closed after assessment, no further action",
                "RC9": "Closed after assessment, referred to early help"}
CATEGORY_TEXT = {"NEG": "Neglect", "EMO": "Emotional abuse", "PHY": "Physical abuse",
                 "SAB": "Sexual abuse", "MUL": "Multiple"}
RELATION_CODES = {"Mother": "parent", "Father": "parent", "Step-father": "carer",
                  "Step-mother": "carer", "Sibling": "sibling", "Half-sibling": "sibling",
                  "Step-sibling": "household_member", "Grandmother": "carer",
                  "Partner": "partner"}


def csc_mapping() -> list[my.Mapping]:
    t, v, c = my.target, my.value, my.col
    svc = v("childrens_social_care")
    status = c("STATUS", codes={"Open": "open", "Closed": "closed", "": ""})
    worker = {"worker_name": "ALLOCATED_WORKER", "worker_role": "WORKER_ROLE", "team": "TEAM",
              "worker_phone": "WORKER_PHONE", "worker_email": "WORKER_EMAIL"}
    event = {"service": svc, "source_record_id": "PERSON_ID", "involvement_id": "REFERRAL_ID"}
    return [
        my.file("csc/persons.csv", [t(
            "person", source_record_id="PERSON_ID", first_name="FORENAME",
            middle_names="MIDDLE_NAMES", surname="SURNAME", dob="DOB",
            sex=c("GENDER", codes={"Male": "M", "Female": "F", "Unknown": "U", "": "U"}),
            address=my.cols(["ADDRESS_LINE_1", "ADDRESS_LINE_2", "TOWN"]), postcode="POSTCODE",
            nhs_number="NHS_NUMBER", upn="UPN", date_of_death="DATE_OF_DEATH",
            recorded_date="LAST_UPDATED")], date_format=DATE),
        my.file("csc/addresses.csv", [t(
            "address", source_record_id="PERSON_ID", address="ADDRESS", postcode="POSTCODE",
            uprn="UPRN", start_date="START_DATE", end_date="END_DATE")], date_format=DATE),
        my.file("csc/relationships.csv", [t(
            "relationship", from_record_id="RELATED_PERSON_ID", to_record_id="PERSON_ID",
            relationship_type=c("RELATIONSHIP", codes=RELATION_CODES),
            start_date="RECORDED_DATE")], date_format=DATE),
        my.file("csc/contacts.csv", [t(
            "event", event_id="CONTACT_ID", source_record_id="PERSON_ID", service=svc,
            event_type=v("contact"), event_date="CONTACT_DATE", detail="CONTACT_OUTCOME",
            category="CONTACT_SOURCE")], date_format=DATE),
        my.file("csc/referrals.csv", [
            t("involvement", involvement_id="REFERRAL_ID", source_record_id="PERSON_ID",
              service=svc, involvement_type=v("Child in need episode"), status=status,
              start_date="REFERRAL_DATE", end_date="CLOSURE_DATE",
              reason=c("PRIMARY_NEED", codes=NEED_TEXT),
              outcome=c("CLOSURE_REASON", codes={**CLOSURE_TEXT, "": ""}), **worker),
            t("event", event_id="REFERRAL_ID", event_type=v("referral"),
              event_date="REFERRAL_DATE", category="REFERRAL_SOURCE", **event)],
            date_format=DATE),
        my.file("csc/assessments.csv", [t(
            "event", event_id="ASSESSMENT_ID", event_type=v("assessment"),
            event_date="START_DATE", end_date="COMPLETED_DATE", category="FACTORS", **event)],
            date_format=DATE),
        my.file("csc/section47.csv", [t(
            "event", event_id="S47_ID", event_type=v("section47"), event_date="START_DATE",
            end_date="ICPC_DATE", detail="ICPC_REQUIRED", **event)], date_format=DATE),
        my.file("csc/cin_plans.csv", [t(
            "event", event_id="CIN_PLAN_ID", event_type=v("cin_plan"), event_date="START_DATE",
            end_date="END_DATE", **event)], date_format=DATE),
        my.file("csc/cp_plans.csv", [t(
            "event", event_id="CP_PLAN_ID", event_type=v("cp_plan"), event_date="START_DATE",
            end_date="END_DATE", category=c("CATEGORY", codes={
                text: code for code, text in CATEGORY_TEXT.items()}), **event)],
            date_format=DATE),
        my.file("csc/cla_placements.csv", [t(
            "event", event_id="PLACEMENT_ID", source_record_id="PERSON_ID", service=svc,
            event_type=v("cla_episode"), event_date="START_DATE", end_date="END_DATE",
            category="LEGAL_STATUS", detail="PLACEMENT_TYPE")], date_format=DATE),
        my.file("csc/cla_periods.csv", [t(
            "involvement", involvement_id="CLA_PERIOD_ID", source_record_id="PERSON_ID",
            service=svc, involvement_type=v("Looked after child"), status=status,
            start_date="START_DATE", end_date="END_DATE", worker_name="SOCIAL_WORKER",
            worker_role="WORKER_ROLE", team="TEAM", worker_phone="WORKER_PHONE",
            worker_email="WORKER_EMAIL")], date_format=DATE),
    ]
