"""Synthetic registrations of Persian names, for tests, benchmarks and the demo camp.

Everything here is invented: common given and family names combined at random, with
random dates and places. No record describes a real person.

``generate_population`` returns records together with the pairs that truly are one
person, so that duplicate detection can be measured (precision and recall). The
duplicates are what registers really contain: the same person re-registered by another
clerk, with the name romanised differently or written in Persian script (sometimes with
Arabic keyboard letters), a field missing, day and month swapped, a typo. Households
add the hard cases: siblings and cousins who share a family name and a father's name
but are different people.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

__all__ = [
    "FAMILY_NAMES",
    "PERSIAN_GIVEN_NAMES_FEMALE",
    "PERSIAN_GIVEN_NAMES_MALE",
    "PLACES_OF_BIRTH",
    "NameEntry",
    "generate_population",
    "romanise_variant",
]


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A name in Persian script and its romanisations, the most common first."""

    persian: str
    variants: tuple[str, ...]


def _entries(table: str) -> list[NameEntry]:
    """Parse lines of "persian | variant, variant, ..."."""
    entries = []
    for line in table.strip().splitlines():
        persian, variants = line.split("|")
        entries.append(NameEntry(persian.strip(), tuple(v.strip() for v in variants.split(","))))
    return entries


PERSIAN_GIVEN_NAMES_MALE: list[NameEntry] = _entries("""
محمد | Mohammad, Mohamad, Muhammad, Mohammed, Mohamed
علی | Ali, Aly
حسین | Hossein, Hosein, Hussein, Hossain, Husain
حسن | Hassan, Hasan
رضا | Reza, Resa, Rezaa
مهدی | Mahdi, Mehdi, Mahdy
احمد | Ahmad, Ahmed
محمود | Mahmoud, Mahmood, Mahmud
مصطفی | Mostafa, Mustafa, Mostapha
مرتضی | Morteza, Murtaza, Mortaza
مجتبی | Mojtaba, Mujtaba
جواد | Javad, Jawad
حمید | Hamid, Hameed
سعید | Saeed, Saeid, Said
امیر | Amir, Ameer
عباس | Abbas, Abas
اکبر | Akbar
اصغر | Asghar, Asqar
جعفر | Jafar, Jaafar, Ja'far
کاظم | Kazem, Kazim
قاسم | Ghasem, Qasem, Ghassem
ابراهیم | Ebrahim, Ibrahim, Ebraheem
اسماعیل | Esmaeil, Esmail, Ismail
یوسف | Yousef, Yousof, Yusef
داوود | Davood, Davoud, Dawood, Davud
موسی | Mousa, Musa, Moosa
عیسی | Isa, Eisa, Issa
یحیی | Yahya, Yahia
هادی | Hadi, Hady
مهران | Mehran
بهرام | Bahram
بهروز | Behrouz, Behrooz, Behruz
فرهاد | Farhad
فریدون | Fereydoun, Fereidoun, Freydoon
کوروش | Kourosh, Kurosh, Koorosh
داریوش | Dariush, Daryoush, Dariusch
بابک | Babak
پرویز | Parviz, Parwiz
منصور | Mansour, Mansoor, Mansur
ناصر | Naser, Nasser
نادر | Nader
مسعود | Masoud, Masood, Massoud
مجید | Majid, Madjid, Majeed
وحید | Vahid, Wahid, Vaheed
امید | Omid, Omeed
آرش | Arash
بیژن | Bijan, Bizhan
سیاوش | Siavash, Siyavash
شهرام | Shahram
کامران | Kamran
رامین | Ramin
نیما | Nima
پیمان | Peyman, Payman
پدرام | Pedram
سامان | Saman
ایرج | Iraj
هوشنگ | Houshang, Hooshang, Hushang
منوچهر | Manouchehr, Manuchehr, Manoochehr
غلامرضا | Gholamreza, Gholam-Reza, Qolamreza
عبدالله | Abdollah, Abdullah, Abdolah
عبدالرضا | Abdolreza, Abdol Reza, Abdulreza
محمدرضا | Mohammadreza, Mohammad-Reza, Mohamadreza
علیرضا | Alireza, Ali-Reza
حمیدرضا | Hamidreza, Hamid-Reza
نصرالله | Nasrollah, Nasrullah, Nasrolah
روح‌الله | Rouhollah, Ruhollah
اسدالله | Asadollah, Asadullah
کریم | Karim, Kareem
رحیم | Rahim, Raheem
خلیل | Khalil, Khaleel
جلال | Jalal
کمال | Kamal
صادق | Sadegh, Sadeq
باقر | Bagher, Baqer
جمشید | Jamshid, Jamsheed
شاهین | Shahin, Shaheen
سهراب | Sohrab
رستم | Rostam, Rustam
اسفندیار | Esfandiar, Esfandyar
حبیب | Habib, Habeeb
میلاد | Milad
سجاد | Sajjad, Sajad
عرفان | Erfan, Irfan
فرشید | Farshid, Farsheed
هومن | Hooman, Houman
سینا | Sina
یاسر | Yaser, Yasser
ابوالفضل | Abolfazl, Abolfazel, Abol-Fazl
طاهر | Taher, Tahir
""")

PERSIAN_GIVEN_NAMES_FEMALE: list[NameEntry] = _entries("""
فاطمه | Fatemeh, Fateme, Fatemah
زهرا | Zahra, Zahraa
مریم | Maryam, Mariam
زینب | Zeinab, Zeynab, Zainab
معصومه | Masoumeh, Masoomeh, Masoume
سمیه | Somayeh, Somaye, Somayyeh
لیلا | Leila, Leyla, Layla
نرگس | Narges, Nargess
شیرین | Shirin, Shireen
پروین | Parvin, Parveen
مهین | Mahin
ثریا | Soraya, Sorayya
آزاده | Azadeh, Azade
ژاله | Jaleh, Zhaleh, Jale
ژیلا | Jila, Zhila
نسرین | Nasrin, Nasreen
پریسا | Parisa, Parissa
مینا | Mina, Meena
نازنین | Nazanin, Nazaneen
شهلا | Shahla
فرزانه | Farzaneh, Farzane
فرشته | Fereshteh, Fereshte
الهام | Elham
الناز | Elnaz
سارا | Sara, Saara
سپیده | Sepideh, Sepide
طاهره | Tahereh, Tahere
صدیقه | Sedigheh, Sediqeh
کبری | Kobra, Kubra
صغری | Soghra, Sughra
اعظم | Azam, A'zam
اشرف | Ashraf
منیژه | Manijeh, Manizheh
مهناز | Mahnaz
فریبا | Fariba
فرح | Farah
رویا | Roya
شیما | Shima
نگار | Negar
نیلوفر | Niloufar, Niloofar, Nilufar
گلناز | Golnaz
ملیحه | Maliheh, Malihe
مرضیه | Marzieh, Marziyeh, Marzie
راضیه | Razieh, Raziyeh
نفیسه | Nafiseh, Nafise
حمیده | Hamideh, Hamide
سعیده | Saeedeh, Saeideh
وحیده | Vahideh, Vahide
فرخنده | Farkhondeh, Farkhonde
شهناز | Shahnaz
پوران | Pouran, Pooran
توران | Touran, Turan
منیر | Monir, Munir
هما | Homa
مژگان | Mojgan, Mozhgan
بهاره | Bahareh, Bahare
ساناز | Sanaz
آتنا | Atena
یاسمن | Yasaman
نیوشا | Niousha, Niusha
مهسا | Mahsa
ترانه | Taraneh, Tarane
شبنم | Shabnam
کتایون | Katayoun, Katayoon
پریوش | Parivash
فروغ | Forough, Forugh, Foroogh
اختر | Akhtar
عفت | Effat, Efat
عصمت | Esmat, Ismat
خدیجه | Khadijeh, Khadije
آمنه | Ameneh, Amene
رقیه | Roghayeh, Roqayeh
سکینه | Sakineh, Sakine
هاجر | Hajar, Hajer
طیبه | Tayebeh, Tayyebeh
عاطفه | Atefeh, Atefe
مهتاب | Mahtab
ستاره | Setareh, Setare
شیوا | Shiva
نسیم | Nasim, Naseem
پگاه | Pegah
هستی | Hasti
ماهرخ | Mahrokh
""")

FAMILY_NAMES: list[NameEntry] = _entries("""
حسینی | Hosseini, Husseini, Hoseini, Hosseiny
محمدی | Mohammadi, Mohamadi, Muhammadi
احمدی | Ahmadi
رضایی | Rezaei, Rezaee, Rezaie, Rezai
کریمی | Karimi
موسوی | Mousavi, Musavi, Moosavi
جعفری | Jafari, Jaafari
رحیمی | Rahimi
حیدری | Heidari, Heydari, Haidari
صادقی | Sadeghi, Sadeqi
کاظمی | Kazemi
قاسمی | Ghasemi, Qasemi
عباسی | Abbasi, Abasi
ابراهیمی | Ebrahimi, Ibrahimi
اکبری | Akbari
نوری | Nouri, Noori, Nuri
هاشمی | Hashemi
علیزاده | Alizadeh, Ali Zadeh, Alizade
نجفی | Najafi
تهرانی | Tehrani
شریفی | Sharifi
محمودی | Mahmoudi, Mahmoodi
امینی | Amini
باقری | Bagheri, Baqeri
غلامی | Gholami, Qolami
صالحی | Salehi
یوسفی | Yousefi, Yusefi
فرهادی | Farhadi
سلیمانی | Soleimani, Soleymani
کرمی | Karami
حسن‌زاده | Hassanzadeh, Hasanzadeh, Hassan Zadeh
مرادی | Moradi
رستمی | Rostami
عزیزی | Azizi
میرزایی | Mirzaei, Mirzaee, Mirzaie
ملکی | Maleki
زارعی | Zarei, Zareei
طاهری | Taheri
اسدی | Asadi
خسروی | Khosravi, Khosrawi
جلالی | Jalali
کامرانی | Kamrani
نظری | Nazari
بهرامی | Bahrami
قربانی | Ghorbani, Qorbani
شیرازی | Shirazi
اصفهانی | Esfahani, Isfahani
تبریزی | Tabrizi
کرمانی | Kermani
یزدی | Yazdi
رشتی | Rashti
افشار | Afshar
دهقان | Dehghan, Dehqan
پورمحمدی | Pourmohammadi, Poormohammadi
علی‌پور | Alipour, Alipoor, Ali-Pour
حسین‌پور | Hosseinpour, Hoseinpour
نیک‌نژاد | Niknejad, Niknezhad, Nik-Nejad
فتحی | Fathi
کیانی | Kiani, Kiyani
صفری | Safari
ناصری | Naseri, Nasseri
شهابی | Shahabi
فرجی | Faraji
منصوری | Mansouri, Mansoori
داوودی | Davoudi, Davoodi
سلطانی | Soltani
امیری | Amiri
ایزدی | Izadi
آقایی | Aghaei, Aghaee, Aqaei
زمانی | Zamani
رحمانی | Rahmani
خلیلی | Khalili
کمالی | Kamali
طالبی | Talebi
جمالی | Jamali
سعیدی | Saeedi, Saeidi
شکوهی | Shokouhi, Shokoohi
فرهمند | Farahmand
پاکزاد | Pakzad
مهدوی | Mahdavi
بیگی | Beigi, Beygi
سبحانی | Sobhani
شجاعی | Shojaei, Shojaee
قنبری | Ghanbari, Qanbari
نادری | Naderi
یزدانی | Yazdani
صفایی | Safaei, Safaee
اکبرزاده | Akbarzadeh, Akbar Zadeh
عبداللهی | Abdollahi, Abdolahi, Abdullahi
نصراللهی | Nasrollahi, Nasrolahi
رضوی | Razavi
طباطبایی | Tabatabaei, Tabatabaee
دلاوری | Delavari
خوشنویس | Khoshnevis
ابوالحسنی | Abolhassani, Abolhasani
زنگنه | Zanganeh, Zangeneh
بختیاری | Bakhtiari, Bakhtiyari
مختاری | Mokhtari
شریعتی | Shariati
توکلی | Tavakoli, Tavakkoli
روحانی | Rouhani, Roohani
نوروزی | Norouzi, Nowruzi
بهمنی | Bahmani
اسماعیلی | Esmaeili, Esmaili
فلاحی | Fallahi, Falahi
حیدرزاده | Heidarzadeh, Heydarzadeh
قلی‌زاده | Gholizadeh, Qolizadeh
رحیم‌پور | Rahimpour, Rahimpoor
کاظم‌پور | Kazempour
جهانگیری | Jahangiri
پهلوان | Pahlavan
وکیلی | Vakili
مقدم | Moghadam, Moghaddam
بابایی | Babaei, Babaee
عطایی | Ataei, Ataee
لطفی | Lotfi
شفیعی | Shafiei, Shafiee
ربانی | Rabbani, Rabani
صدری | Sadri
پارسا | Parsa
نیکخواه | Nikkhah
ثابتی | Sabeti
جوادی | Javadi
حمیدی | Hamidi
مجیدی | Majidi
افشاری | Afshari
قاسم‌زاده | Ghasemzadeh, Qasemzadeh
رنجبر | Ranjbar
کشاورز | Keshavarz
آهنگر | Ahangar
نجار | Najjar, Najar
خیاط | Khayat, Khayyat
زرگر | Zargar
ملک‌زاده | Malekzadeh
شاکری | Shakeri
رفیعی | Rafiei, Rafiee
حافظی | Hafezi
کیوانی | Keyvani, Kayvani
پورحسینی | Pourhosseini
میرحسینی | Mirhosseini
دانشور | Daneshvar
معینی | Moeini, Moini
گودرزی | Goudarzi, Goodarzi
نیک‌بخت | Nikbakht
جعفرزاده | Jafarzadeh
خرمی | Khorrami, Khorami
شهبازی | Shahbazi
اسکندری | Eskandari
بیات | Bayat
طهماسبی | Tahmasebi, Tahmasbi
رسولی | Rasouli, Rasooli
یعقوبی | Yaghoubi, Yaghoobi
انصاری | Ansari
قزوینی | Ghazvini, Qazvini
همدانی | Hamedani, Hamadani
گیلانی | Gilani
زنجانی | Zanjani
کاشانی | Kashani
عسگری | Asgari, Askari
صمدی | Samadi
پناهی | Panahi
فتاحی | Fattahi
ولی‌زاده | Valizadeh
حسنی | Hasani, Hassani
امامی | Emami
ذوالفقاری | Zolfaghari, Zolfaqari
شهریاری | Shahriari, Shahriyari
اصغری | Asghari
رجبی | Rajabi
رمضانی | Ramezani, Ramazani
نعمتی | Nemati, Ne'mati
عظیمی | Azimi
حکیمی | Hakimi
""")

PLACES_OF_BIRTH: list[NameEntry] = _entries("""
تهران | Tehran, Teheran
مشهد | Mashhad, Mashad
اصفهان | Isfahan, Esfahan
تبریز | Tabriz
شیراز | Shiraz
اهواز | Ahvaz, Ahwaz
کرمانشاه | Kermanshah
رشت | Rasht
قم | Qom, Ghom
کرج | Karaj
همدان | Hamedan, Hamadan
یزد | Yazd
اراک | Arak
زنجان | Zanjan
سنندج | Sanandaj
بندرعباس | Bandar Abbas
""")

# Given names that sound alike but belong to different people: siblings with them
# are the hardest non-matches.
_CONFUSABLE = {
    "حسن": "حسین",
    "حسین": "حسن",
    "محمد": "محمود",
    "محمود": "محمد",
    "مهدی": "هادی",
    "زهرا": "زینب",
    "مریم": "مرضیه",
    "مرضیه": "مریم",
    "فاطمه": "فرشته",
    "رضا": "علیرضا",
}

# Persian letters an Arabic keyboard types in their Arabic form.
_ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})


def romanise_variant(name_entry: NameEntry, rng: random.Random) -> str:
    """One romanisation of the name, the most common one half of the time."""
    if len(name_entry.variants) == 1 or rng.random() < 0.5:
        return name_entry.variants[0]
    return rng.choice(name_entry.variants[1:])


@dataclass(slots=True)
class _Person:
    """The truth about one synthetic person, from which registrations are written."""

    cluster_id: str
    given: NameEntry
    father: NameEntry | None
    family: NameEntry
    birth: dt.date | None
    sex: str
    place: NameEntry


def _random_birth(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(last_year, 12, 31).toordinal()))


class _PopulationBuilder:
    """Builds households: parents, children who are siblings, and cousins."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[_Person] = []
        self._ids = itertools.count(1)

    def person(
        self,
        given: NameEntry,
        father: NameEntry,
        family: NameEntry,
        birth: dt.date,
        sex: str,
        place: NameEntry,
    ) -> _Person:
        person = _Person(f"C{next(self._ids):06d}", given, father, family, birth, sex, place)
        self.people.append(person)
        return person

    def household(self, family: NameEntry, grandfather: NameEntry) -> NameEntry:
        """A couple and their children; returns the father's name for cousins to share."""
        rng = self.rng
        place = rng.choice(PLACES_OF_BIRTH)
        father_name = rng.choice(PERSIAN_GIVEN_NAMES_MALE)
        fathers_birth = _random_birth(rng, 1950, 1985)
        mothers_birth = _random_birth(rng, 1955, 1990)
        self.person(father_name, grandfather, family, fathers_birth, "M", place)
        # A wife keeps her own family name and her own father's name.
        self.person(
            rng.choice(PERSIAN_GIVEN_NAMES_FEMALE),
            rng.choice(PERSIAN_GIVEN_NAMES_MALE),
            rng.choice(FAMILY_NAMES),
            mothers_birth,
            "F",
            rng.choice(PLACES_OF_BIRTH),
        )
        youngest_parent = max(fathers_birth, mothers_birth)
        taken: list[str] = []  # a list, not a set: its order must not depend on string hashing
        for _ in range(rng.randint(0, 6)):
            sex = rng.choice("FM")
            given = self._sibling_name(sex, taken)
            taken.append(given.persian)
            first = min(youngest_parent.year + 18, 2012)
            birth = _random_birth(rng, first, min(first + 22, 2012))
            self.person(given, father_name, family, birth, sex, place)
        return father_name

    def _sibling_name(self, sex: str, taken: list[str]) -> NameEntry:
        pool = PERSIAN_GIVEN_NAMES_MALE if sex == "M" else PERSIAN_GIVEN_NAMES_FEMALE
        by_persian = {entry.persian: entry for entry in pool}
        for sibling in taken:  # a sound-alike of a sibling's name: a hard non-match
            twin = _CONFUSABLE.get(sibling)
            if twin in by_persian and twin not in taken and self.rng.random() < 0.3:
                return by_persian[twin]
        while True:
            given = self.rng.choice(pool)
            if given.persian not in taken:
                return given

    def build(self, count: int) -> list[_Person]:
        while len(self.people) < count:
            family = self.rng.choice(FAMILY_NAMES)
            grandfather = self.rng.choice(PERSIAN_GIVEN_NAMES_MALE)
            self.household(family, grandfather)
            if self.rng.random() < 0.3:  # the father's brother's household: cousins
                self.household(family, grandfather)
        return self.people[:count]


def _typo(name: str, rng: random.Random) -> str:
    """A clerk's slip: a letter dropped, doubled, swapped with the next, or a vowel changed."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    vowels = "aeiou"
    return name[:i] + rng.choice(vowels) + name[i + 1 :] if name[i] in vowels else name


def _swap_day_month(birth: dt.date) -> dt.date:
    return birth.replace(month=birth.day, day=birth.month) if birth.day <= 12 else birth


class _Clerk:
    """Writes registrations of people, with the variation real registers hold."""

    def __init__(self, rng: random.Random, script_rate: float) -> None:
        self.rng = rng
        self.script_rate = script_rate

    def register(self, person: _Person, *, again: bool) -> dict[str, str]:
        rng = self.rng
        in_persian = rng.random() < self.script_rate
        keyboard = in_persian and rng.random() < 0.3

        def write(entry: NameEntry | None, typo_rate: float) -> str:
            if entry is None:
                return ""
            if in_persian:
                return entry.persian.translate(_ARABIC_KEYBOARD) if keyboard else entry.persian
            name = romanise_variant(entry, rng)
            if again and rng.random() < typo_rate:
                name = _typo(name, rng)
            return name.upper() if rng.random() < 0.15 else name

        father = person.father
        birth = person.birth
        place: NameEntry | None = person.place
        if again:
            father = None if rng.random() < 0.25 else father
            place = None if rng.random() < 0.2 else place
            birth = self._rewrite_birth(birth)
        return {
            "given_name": write(person.given, 0.1),
            "fathers_name": write(father, 0.1),
            "family_name": write(person.family, 0.1),
            "date_of_birth": birth.isoformat() if birth else "",
            "sex": person.sex,
            "place_of_birth": write(place, 0.0),
            "cluster_id": person.cluster_id,
        }

    def _rewrite_birth(self, birth: dt.date | None) -> dt.date | None:
        roll = self.rng.random()
        if birth is None or roll < 0.1:
            return None
        if roll < 0.2:
            return _swap_day_month(birth)
        if roll < 0.25:
            return birth.replace(year=birth.year + self.rng.choice((-1, 1)), day=min(birth.day, 28))
        return birth


def generate_population(
    n: int, seed: int, duplicate_rate: float = 0.15, script_rate: float = 0.2
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """``n`` synthetic registrations and the pairs of record ids that are one person.

    ``duplicate_rate`` is the share of records that re-register someone already in the
    register; ``script_rate`` the share written in Persian script. The same seed gives
    the same population. Pairs are sorted, each as (lower id, higher id).
    """
    if n <= 0:
        return [], []
    rng = random.Random(seed)
    duplicates = min(round(n * duplicate_rate), n - 1)
    people = _PopulationBuilder(rng).build(n - duplicates)
    for person in people:
        if rng.random() < 0.03:
            person.birth = None  # some never knew their date of birth
    clerk = _Clerk(rng, script_rate)
    records = [clerk.register(person, again=False) for person in people]
    records += [clerk.register(rng.choice(people), again=True) for _ in range(duplicates)]
    rng.shuffle(records)
    by_cluster: dict[str, list[str]] = {}
    for number, record in enumerate(records, start=1):
        record["record_id"] = f"R{number:06d}"
        by_cluster.setdefault(record["cluster_id"], []).append(record["record_id"])
    pairs = sorted(pair for ids in by_cluster.values() for pair in itertools.combinations(sorted(ids), 2))
    return records, pairs
