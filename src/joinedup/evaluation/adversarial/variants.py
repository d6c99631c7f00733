"""Spelling variants a person's name takes across systems: transliterations, nicknames,
diacritics and the similar-sounding names parents give twins."""

from __future__ import annotations

import unicodedata

# Transliterations of the same name: any member may be what a system holds.
_TRANSLITERATIONS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Mohd", "Muhammed", "Mohamad"),
    ("Ahmed", "Ahmad"), ("Hussain", "Husain", "Hossain", "Hussein"),
    ("Yusuf", "Yousuf", "Yousaf", "Yusef"), ("Hassan", "Hasan"), ("Usman", "Osman", "Uthman"),
    ("Rahman", "Rehman"), ("Mahmood", "Mahmud", "Mehmood", "Mahmoud"),
    ("Fatima", "Fatimah", "Fatma"), ("Aisha", "Ayesha", "Aysha"),
    ("Khadija", "Khadijah", "Khadeeja"), ("Zainab", "Zaynab"), ("Ibrahim", "Ebrahim"),
    ("Ismail", "Ismael"), ("Mustafa", "Mostafa", "Mustapha"), ("Abdullah", "Abdulla"),
    ("Abdullahi", "Abdillahi"), ("Abdirahman", "Abdulrahman"), ("Iqbal", "Ikbal"),
    ("Chowdhury", "Choudhury", "Chaudhry"), ("Miah", "Mia"), ("Uddin", "Udin"),
    ("Haque", "Hoque", "Haq"), ("Sheikh", "Shaikh"), ("Maryam", "Mariam"),
    ("Amina", "Aminah", "Ameena"), ("Nasreen", "Nasrin"), ("Yasmin", "Yasmeen"),
    ("Parveen", "Perveen", "Parvin"), ("Hafsa", "Hafsah"), ("Safiya", "Safia"),
    ("Sumaya", "Sumayah"), ("Omar", "Umar"), ("Adan", "Aden"), ("Fadumo", "Faadumo"),
    ("Sahra", "Saxra"), ("Nimco", "Nimo"), ("Maryan", "Mariam"), ("Hussein", "Huseen"),
    ("Jaswinder", "Jasvinder"), ("Sukhwinder", "Sukhvinder"), ("Balwinder", "Balvinder"),
    ("Rajinder", "Rajender"), ("Paramjit", "Paramjeet"), ("Amarjit", "Amarjeet"),
    ("Harjit", "Harjeet"), ("Manjit", "Manjeet"), ("Ranjit", "Ranjeet"),
    ("Inderjit", "Inderjeet"), ("Kulwant", "Kulvant"), ("Gurdeep", "Gurdip"),
    ("Kuldeep", "Kuldip"), ("Hardeep", "Hardip"), ("Mandeep", "Mandip"), ("Navdeep", "Navdip"),
    ("Sukhdeep", "Sukhdip"), ("Dhillon", "Dhillion"), ("Sandhu", "Sandu"),
    ("Lakshmi", "Laxmi"), ("Pravin", "Praveen"), ("Deepak", "Dipak"), ("Geeta", "Gita"),
    ("Seema", "Sima"), ("Krishna", "Krishan"), ("Chinedu", "Chinedum"),
    ("Mensah", "Mensa"), ("Andrei", "Andrej"),
)

# Formal name -> what people are called in everyday records.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"), "Robert": ("Bob", "Rob", "Bobby"),
    "Margaret": ("Peggy", "Maggie", "Marge"), "Elizabeth": ("Liz", "Beth", "Betty", "Lizzie"),
    "Richard": ("Dick", "Rich"), "James": ("Jim", "Jimmy", "Jamie"), "Thomas": ("Tom", "Tommy"),
    "Susan": ("Sue",), "Patricia": ("Pat", "Trish"), "Anthony": ("Tony",),
    "Michael": ("Mike", "Mick"), "Christopher": ("Chris",), "Jennifer": ("Jenny", "Jen"),
    "Daniel": ("Dan", "Danny"), "Joseph": ("Joe", "Joey"), "Edward": ("Ted", "Eddie"),
    "Frederick": ("Fred", "Freddie"), "Deborah": ("Debbie", "Debs"), "Rebecca": ("Becky",),
    "Samantha": ("Sam",), "Victoria": ("Vicky", "Tori"), "Stephen": ("Steve",),
    "Steven": ("Steve",), "Matthew": ("Matt",), "Benjamin": ("Ben",), "Nicholas": ("Nick",),
    "Jacqueline": ("Jackie",), "Dorothy": ("Dot", "Dotty"), "Henry": ("Harry",),
    "John": ("Jack", "Johnny"), "Andrew": ("Andy", "Drew"), "David": ("Dave",),
    "Kenneth": ("Ken", "Kenny"), "Peter": ("Pete",), "Catherine": ("Cath", "Kate", "Cathy"),
    "Kathleen": ("Kath", "Kathy"), "Christine": ("Chris", "Tina"), "Gillian": ("Gill",),
    "Samuel": ("Sam", "Sammy"), "Alexander": ("Alex",), "Jonathan": ("Jon", "Jonny"),
    "Charlotte": ("Charlie", "Lottie"), "Isabella": ("Bella", "Izzy"), "Florence": ("Flo",),
    "Nathaniel": ("Nathan", "Nate"), "Oluwaseun": ("Seun",), "Oluwatoyin": ("Toyin",),
    "Babatunde": ("Tunde",), "Olumide": ("Mide",), "Temitope": ("Tope",),
    "Oluwafemi": ("Femi",), "Chukwuemeka": ("Emeka",), "Funmilayo": ("Funmi",),
    "Abimbola": ("Bimbo",), "Aleksandra": ("Ola",), "Małgorzata": ("Gosia",),
    "Katarzyna": ("Kasia",), "Krzysztof": ("Chris",), "Wojciech": ("Wojtek",),
    "Abdirahman": ("Abdi",), "Abdullahi": ("Abdi",), "Mohammed": ("Mo",),
    "Muhammad": ("Mo",), "Ebenezer": ("Ebo",), "Emmanuel": ("Manny",),
}

# Names similar enough that parents choose them for twins (same sex, then mixed sex).
TWIN_PAIRS_SAME: dict[str, tuple[tuple[str, str], ...]] = {
    "M": (("Hassan", "Hussain"), ("Ayaan", "Rayan"), ("Zain", "Zayan"), ("Jayden", "Jaden"),
          ("Alfie", "Archie"), ("Freddie", "Teddy"), ("Leo", "Theo"), ("Harry", "Henry"),
          ("Kofi", "Kojo"), ("Arjun", "Arun"), ("Hamza", "Hamid"), ("Tyler", "Taylor"),
          ("Jakub", "Jan"), ("Liam", "Lewis"), ("Ali", "Adil")),
    "F": (("Ella", "Bella"), ("Lily", "Millie"), ("Isla", "Isabella"), ("Ruby", "Rosie"),
          ("Hana", "Hina"), ("Sana", "Sara"), ("Maisie", "Daisy"), ("Gurleen", "Harleen"),
          ("Priya", "Riya"), ("Amelia", "Emilia"), ("Aisha", "Ayesha"), ("Anaya", "Inaya"),
          ("Maja", "Maria"), ("Jada", "Jade"), ("Hodan", "Hibo")),
}
TWIN_PAIRS_MIXED: tuple[tuple[str, str], ...] = (
    ("Amir", "Amira"), ("Daniel", "Danielle"), ("Louis", "Louise"), ("Jayden", "Jayda"),
    ("Samuel", "Samantha"), ("Harman", "Harleen"), ("Zain", "Zainab"), ("Aryan", "Arya"),
    ("Kai", "Kaia"), ("Oliver", "Olivia"),
)

_GROUP_OF: dict[str, tuple[str, ...]] = {}
for _group in _TRANSLITERATIONS:
    for _name in _group:
        _GROUP_OF.setdefault(_name, _group)


def spellings(name: str) -> tuple[str, ...]:
    """Every transliteration of `name` (itself included; itself alone if none is known)."""
    return _GROUP_OF.get(name, (name,))


def has_spellings(name: str) -> bool:
    return name in _GROUP_OF


def strip_accents(text: str) -> str:
    """What an ASCII-only system stores: 'Łukasz Wójcik' -> 'Lukasz Wojcik'."""
    text = text.replace("Ł", "L").replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
