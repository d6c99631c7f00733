"""Common-name lists for the adversarial families set, written for this package.

Lists are ordered roughly from most to least common in England; `naming` draws from them
with Zipf-like weights, so the head of each list ("Smith", "Khan", "Kaur", "Patel") recurs
across the borough the way it does in real council data. Communities are broad and coarse on
purpose: they only steer naming conventions (Sikh Kaur/Singh, Begum, Somali patronymics,
Polish gendered surnames, Chinese family-name-first order).
"""

from __future__ import annotations

# Share of households by community (coarse, England-like with a diverse urban borough).
COMMUNITIES: dict[str, float] = {
    "white_british": 0.625, "south_asian_muslim": 0.12, "sikh": 0.035, "hindu": 0.04,
    "black_african": 0.045, "somali": 0.015, "black_caribbean": 0.03,
    "eastern_european": 0.07, "chinese": 0.02,
}

# White British first names by birth cohort: before 1965, 1965-1994, 1995 on.
WB_MALE = (
    ("John", "David", "Michael", "Peter", "Robert", "William", "Alan", "Brian", "James",
     "Richard", "Anthony", "Kenneth", "George", "Keith", "Graham", "Colin", "Barry", "Derek",
     "Ronald", "Terence", "Stephen", "Christopher", "Roy", "Dennis", "Frank", "Thomas",
     "Edward", "Raymond", "Geoffrey", "Harold", "Trevor", "Malcolm", "Ian", "Frederick"),
    ("Paul", "Mark", "Andrew", "David", "Michael", "Stephen", "Darren", "Lee", "Craig", "Gary",
     "Jason", "Daniel", "Matthew", "James", "Christopher", "Richard", "Simon", "Neil",
     "Jonathan", "Adam", "Scott", "Wayne", "Dean", "Carl", "Steven", "Thomas", "Ryan",
     "Robert", "Martin", "Kevin", "John", "Benjamin", "Luke", "Jamie", "Liam", "Nicholas"),
    ("Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie",
     "Oscar", "Leo", "Thomas", "Joshua", "James", "William", "Henry", "Archie", "Theo",
     "Arthur", "Max", "Ethan", "Samuel", "Daniel", "Lewis", "Callum", "Tyler", "Kieran",
     "Aiden", "Mason", "Logan", "Riley", "Joseph", "Jake", "Connor", "Dylan", "Teddy"),
)
WB_FEMALE = (
    ("Margaret", "Patricia", "Susan", "Jean", "Joan", "Dorothy", "Barbara", "Mary",
     "Christine", "Elizabeth", "Linda", "Pauline", "Irene", "Doreen", "Eileen", "Brenda",
     "Sheila", "Valerie", "Janet", "Ann", "Sylvia", "Maureen", "Kathleen", "Jacqueline",
     "Carol", "Hilda", "Edna", "Joyce", "Gillian", "Marion"),
    ("Sarah", "Claire", "Lisa", "Karen", "Michelle", "Emma", "Nicola", "Rachel", "Joanne",
     "Helen", "Donna", "Kelly", "Julie", "Louise", "Amanda", "Samantha", "Laura", "Rebecca",
     "Victoria", "Gemma", "Hayley", "Natalie", "Stacey", "Katie", "Jennifer", "Deborah",
     "Tracey", "Elizabeth", "Catherine", "Charlotte", "Jessica", "Hannah", "Amy", "Leanne"),
    ("Olivia", "Amelia", "Isla", "Ava", "Emily", "Lily", "Sophia", "Grace", "Ella", "Bella",
     "Mia", "Poppy", "Isabella", "Evie", "Millie", "Ruby", "Freya", "Sophie", "Chloe",
     "Jessica", "Daisy", "Florence", "Rosie", "Willow", "Matilda", "Phoebe", "Maisie",
     "Scarlett", "Charlotte", "Holly", "Megan", "Ellie", "Lucy", "Erin", "Harper", "Ivy"),
)
WB_SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Harris", "Lewis", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James",
    "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
    "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw",
    "Murphy", "Miller", "Cox", "Richards", "Marshall", "Anderson", "Simpson", "Ellis", "Adams",
    "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt",
    "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd",
    "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
    "Graham", "Pearson", "Fletcher", "Walsh", "Gibson", "Howard", "Andrews", "Stewart",
    "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Brooks", "Lawrence",
    "Atkinson", "Bradley", "Spencer", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Booth",
    "Perry", "Ryan", "Grant", "Armstrong", "Hayes", "Hart", "Hudson", "Barrett", "Webster",
    "Hunter", "Gregory", "Lowe", "Marsh", "Riley", "Woods", "Parsons", "Stone", "Reid",
    "Hawkins", "Porter", "Robertson", "Kennedy", "Bird", "Gardner", "Bates", "Henderson",
    "Burgess", "Bishop", "Nicholson", "Shepherd", "McDonald", "Yates", "Hodgson", "O'Connor",
    "McCarthy", "Whitehead", "Greenwood", "Gallagher", "Lynch", "Quinn", "McKenzie",
)

# South Asian Muslim (Pakistani, Bangladeshi, Kashmiri heritage). Male names are calling
# names; "Mohammed" is often a prefix ("Mohammed Bilal"), handled in `naming`.
SAM_MALE = (
    "Ali", "Ahmed", "Hassan", "Hussain", "Bilal", "Imran", "Asif", "Tariq", "Usman", "Adnan",
    "Faisal", "Kamran", "Shahid", "Zahid", "Sajid", "Arif", "Ibrahim", "Yusuf", "Omar", "Hamza",
    "Zain", "Ayaan", "Rayan", "Ismail", "Amir", "Haris", "Idris", "Nadeem", "Rizwan", "Irfan",
    "Javed", "Aslam", "Rashid", "Saleem", "Karim", "Jamal", "Abdullah", "Musa", "Yasin",
    "Abdul", "Mustafa", "Zubair", "Waqar", "Shakeel",
)
SAM_FEMALE = (
    "Fatima", "Aisha", "Zainab", "Maryam", "Khadija", "Amina", "Sana", "Nadia", "Samina",
    "Nasreen", "Shazia", "Rubina", "Shabana", "Farzana", "Yasmin", "Parveen", "Razia", "Hafsa",
    "Safiya", "Aleena", "Inaya", "Hira", "Mehreen", "Iqra", "Noor", "Sumaya", "Hana", "Hina",
    "Anisa", "Sadia", "Tahmina", "Rehana", "Salma", "Nazia", "Rukhsana", "Shamima", "Asma",
)
SAM_SURNAMES = (
    "Khan", "Ali", "Ahmed", "Hussain", "Akhtar", "Mahmood", "Iqbal", "Shah", "Rahman", "Islam",
    "Miah", "Uddin", "Aslam", "Rashid", "Malik", "Butt", "Qureshi", "Mirza", "Sheikh",
    "Chowdhury", "Raja", "Anwar", "Javed", "Hassan", "Saleem", "Hanif", "Yusuf", "Siddiqui",
    "Ullah", "Sarwar", "Riaz", "Nawaz", "Bashir", "Latif", "Karim", "Haque",
)
# Surnames that are titles for women, recorded in place of a family surname.
WOMEN_TITLES = ("Begum", "Bibi", "Khatun")

SIKH_UNISEX = (
    "Gurpreet", "Harpreet", "Manpreet", "Jaspreet", "Amarjit", "Sukhdeep", "Kuldeep",
    "Rajinder", "Parminder", "Harjinder", "Baljit", "Jaswinder", "Navdeep", "Harjit",
    "Kulwant", "Balwinder", "Sukhwinder", "Ranjit", "Paramjit", "Hardeep", "Gurdeep",
    "Mandeep", "Jasbir", "Inderjit", "Amrit", "Navjot", "Harman", "Jasmeet", "Surinder",
    "Manjit",
)
SIKH_MALE = ("Satnam", "Tejinder", "Rajveer", "Arjun", "Karanveer", "Jaskaran", "Gurvinder")
SIKH_FEMALE = ("Simran", "Jasleen", "Harleen", "Gurleen", "Kiranjit", "Sukhjeet", "Rupinder")
SIKH_FAMILY = (
    "Sandhu", "Gill", "Dhillon", "Sidhu", "Bains", "Johal", "Grewal", "Sahota", "Virdi",
    "Bhamra", "Atwal", "Hayer", "Kang", "Mann", "Randhawa", "Dhaliwal", "Bassi", "Cheema",
    "Rai", "Sanghera", "Kalsi", "Matharu", "Uppal", "Heer", "Basra",
)

HINDU_MALE = (
    "Rajesh", "Sanjay", "Amit", "Vijay", "Anil", "Sunil", "Ravi", "Ramesh", "Dinesh", "Arjun",
    "Rohan", "Aarav", "Krishna", "Vikram", "Nikhil", "Hitesh", "Jayesh", "Mahesh", "Pravin",
    "Kiran", "Deepak", "Ashok", "Nitin", "Rahul", "Vivek", "Dev", "Ishaan", "Yash", "Manish",
    "Suresh",
)
HINDU_FEMALE = (
    "Priya", "Anjali", "Sunita", "Neha", "Pooja", "Meera", "Kavita", "Asha", "Nisha", "Rekha",
    "Hema", "Jaya", "Shanti", "Lakshmi", "Anita", "Geeta", "Divya", "Shreya", "Ananya", "Aanya",
    "Diya", "Riya", "Kajal", "Bhavna", "Hetal", "Usha", "Seema", "Saanvi",
)
HINDU_SURNAMES = (
    "Patel", "Shah", "Mistry", "Parmar", "Solanki", "Chauhan", "Sharma", "Kumar", "Joshi",
    "Mehta", "Desai", "Lad", "Gohil", "Rana", "Makwana", "Pandya", "Thakkar", "Modi", "Amin",
    "Naik", "Nair", "Gupta", "Bhatt", "Vyas", "Kotecha", "Chavda",
)

BAF_MALE = (
    "Samuel", "Emmanuel", "David", "Daniel", "Oluwaseun", "Chinedu", "Emeka", "Adebayo",
    "Olumide", "Babatunde", "Kwame", "Kofi", "Kwabena", "Yaw", "Joseph", "Michael", "Victor",
    "Godwin", "Chukwuemeka", "Oluwafemi", "Ifeanyi", "Tobi", "Segun", "Kelechi", "Obinna",
    "Nnamdi", "Prince", "Isaac", "Ebenezer", "Stephen",
)
BAF_FEMALE = (
    "Blessing", "Grace", "Esther", "Funmilayo", "Folake", "Adaeze", "Chioma", "Ngozi", "Abena",
    "Akosua", "Ama", "Efua", "Yetunde", "Bukola", "Precious", "Favour", "Comfort", "Mercy",
    "Joy", "Temitope", "Oluwatoyin", "Chiamaka", "Ifeoma", "Adwoa", "Gifty", "Deborah", "Ruth",
    "Abimbola",
)
BAF_SURNAMES = (
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Boateng", "Okonkwo", "Asante", "Adebayo",
    "Oladipo", "Ogunleye", "Eze", "Nwosu", "Okoro", "Osei", "Appiah", "Agyeman", "Danso",
    "Ansah", "Bello", "Ibrahim", "Olawale", "Adeleke", "Akinola", "Afolabi", "Obi",
    "Nwachukwu", "Amoah", "Darko", "Addo", "Adewale",
)

# Somali: a child's second name is the father's first name (patronymic, no family surname).
SOMALI_MALE = (
    "Mohamed", "Ahmed", "Abdi", "Hassan", "Ali", "Omar", "Abdullahi", "Yusuf", "Ibrahim",
    "Ismail", "Abdirahman", "Abdirashid", "Mahad", "Hamza", "Bashir", "Farah", "Liban",
    "Mustafa", "Khalid", "Said", "Osman", "Guled", "Nur", "Hussein", "Adan", "Jama",
)
SOMALI_FEMALE = (
    "Hodan", "Amina", "Fadumo", "Hibo", "Sahra", "Ayaan", "Nimco", "Ifrah", "Hawa", "Khadra",
    "Sagal", "Ubah", "Deeqa", "Asha", "Halima", "Maryan", "Muna", "Ladan", "Ilhan", "Idil",
    "Ikram", "Safiya", "Sumaya", "Fartun",
)

BCA_MALE = (
    "Marcus", "Tyrone", "Jermaine", "Leon", "Delroy", "Winston", "Errol", "Clive", "Trevor",
    "Lloyd", "Dwayne", "Andre", "Kemar", "Kyle", "Jordan", "Reuben", "Nathaniel", "Elijah",
    "Isaiah", "Malachi", "Josiah", "Tyrese", "Kai", "Jayden", "Dante", "Levi", "Devon",
    "Wesley", "Carlton",
)
BCA_FEMALE = (
    "Shanice", "Tanisha", "Keisha", "Marcia", "Yvonne", "Beverley", "Paulette", "Sonia",
    "Hyacinth", "Jasmine", "Chantelle", "Aaliyah", "Kiara", "Tiana", "Naomi", "Simone",
    "Monique", "Jada", "Zara", "Leah", "Imani", "Nia", "Nadine", "Marlene", "Claudette",
    "Janice", "Destiny", "Serena",
)
BCA_SURNAMES = (
    "Williams", "Brown", "Campbell", "Francis", "Thomas", "Clarke", "Johnson", "Smith",
    "Grant", "Morgan", "Reid", "James", "Henry", "Robinson", "Lewis", "Walker", "Edwards",
    "Bailey", "Samuels", "Richards", "Forbes", "Gordon", "Bryan", "McKenzie", "Baptiste",
    "Joseph", "Charles", "Wright", "Thompson", "Stewart",
)

# Eastern European: Polish, Romanian, Lithuanian. Polish -ski/-cki surnames take -ska/-cka
# for women; Lithuanian -as takes -ienė (married) or -aitė (unmarried) for women.
EE_MALE = (
    "Łukasz", "Piotr", "Paweł", "Tomasz", "Krzysztof", "Marcin", "Michał", "Jakub", "Kamil",
    "Mateusz", "Bartłomiej", "Grzegorz", "Adam", "Marek", "Andrzej", "Wojciech", "Dawid",
    "Szymon", "Filip", "Antoni", "Jan", "Andrei", "Mihai", "Alexandru", "Florin",
    "Mindaugas", "Tomas", "Darius", "Jonas",
)
EE_FEMALE = (
    "Katarzyna", "Agnieszka", "Anna", "Małgorzata", "Joanna", "Magdalena", "Monika", "Ewa",
    "Justyna", "Aleksandra", "Natalia", "Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Oliwia",
    "Wiktoria", "Ioana", "Elena", "Maria", "Andreea", "Alina", "Gabriela", "Rūta", "Kristina",
    "Jolanta", "Beata", "Dorota",
)
EE_SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski",
    "Popescu", "Ionescu", "Popa", "Dumitru", "Kazlauskas", "Jankauskas", "Petrauskas",
)

# Chinese: family name first in the community's own usage; some adults also use an
# English given name.
ZH_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Chan", "Wong", "Lee", "Yang", "Huang", "Zhao", "Wu",
    "Zhou", "Xu", "Cheung", "Lau", "Ng", "Leung", "Lin", "Ho", "Tang", "Lam", "Cheng", "Ma",
)
ZH_MALE = (
    "Wei", "Jun", "Hao", "Lei", "Jie", "Tao", "Ming", "Bo", "Yang", "Jian", "Peng", "Chao",
    "Zhiwei", "Yifan", "Haoran", "Ka Wai", "Chi Keung", "Wing Hong", "Zihan",
)
ZH_FEMALE = (
    "Li", "Na", "Fang", "Ying", "Jing", "Mei", "Yan", "Xin", "Lan", "Qian", "Yue", "Xiaoling",
    "Yutong", "Ka Yan", "Wing Yee", "Mei Ling", "Zihan",
)
ZH_ENGLISH_MALE = ("David", "Michael", "Kevin", "Jason", "Eric", "Kelvin", "Raymond", "Tony")
ZH_ENGLISH_FEMALE = ("Jenny", "Amy", "Grace", "Emily", "Vivian", "Cindy", "Helen", "Winnie")

# Middle names used by White British and Black Caribbean families.
WB_MIDDLE_MALE = ("James", "John", "William", "Thomas", "David", "Michael", "Lee", "Paul",
                  "Edward", "George", "Robert", "Alan")
WB_MIDDLE_FEMALE = ("Louise", "Jane", "Marie", "Elizabeth", "Anne", "Rose", "May", "Grace",
                    "Victoria", "Jayne", "Mary", "Lynn")
