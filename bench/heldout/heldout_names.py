"""Held-out name lists: synthetic building blocks, never a real person's record.

Each line is ``key|Latin spellings, most common first|Persian-script form|weight[|flags]``.
Weights are relative frequencies (a rough Zipf shape: Mohammad, Ali, Fatemeh, Ahmadi and
Mohammadi lead). Flag ``a`` on a family name means an Arabic ``al-`` may be added or dropped.
Written from general knowledge of Persian, Dari, Arabic and Kurdish naming; FIXED once
committed (see README.md).
"""

MALE = """
mohammad|Mohammad,Muhammad,Mohammed,Mohamad,Mohamed,Muhammed|محمد|60
ali|Ali,Aly,Alee|علی|40
hossein|Hossein,Hussein,Husain,Hosein,Hussain,Husayn,Hosseyn|حسین|30
hassan|Hassan,Hasan,Hassen|حسن|25
ahmad|Ahmad,Ahmed,Ahmet,Ahmmad|احمد|30
reza|Reza,Riza,Rida|رضا|18
mahdi|Mahdi,Mehdi,Mahdy,Mehdy|مهدی|15
abbas|Abbas,Abas,Abbass|عباس|12
mahmoud|Mahmoud,Mahmood,Mahmud,Mehmood|محمود|12
javad|Javad,Jawad,Jevad|جواد|8
ebrahim|Ebrahim,Ibrahim,Ebrahem,Ibraheem,Ebraheem|ابراهیم|12
esmail|Esmail,Ismail,Ismael,Esmaeil,Ismaeel|اسماعیل|8
yousef|Yousef,Yusuf,Yousuf,Yosef,Youssef,Yusef|یوسف|10
karim|Karim,Kareem,Kerim|کریم|8
rahim|Rahim,Raheem,Rehim|رحیم|6
abdulrahman|Abdul Rahman,Abdulrahman,Abdurrahman,Abd al-Rahman,Abdol Rahman,Abdorrahman|عبدالرحمن|8
abdullah|Abdullah,Abdollah,Abdulla,Abd Allah,Abdallah|عبدالله|10
gholamhossein|Gholam Hossein,Gholamhossein,Ghulam Hussain,Gholam Hosein,Ghulam Husain|غلامحسین|5
gholamreza|Gholamreza,Gholam Reza,Ghulam Reza,Gholam-Reza|غلامرضا|5
ghulamsakhi|Ghulam Sakhi,Gholam Sakhi,Ghulamsakhi|غلام‌سخی|3
qasem|Qasem,Ghasem,Qasim,Kasim,Qassem,Ghasim|قاسم|8
jafar|Jafar,Jaafar,Jafer,Ja'far|جعفر|6
sadegh|Sadegh,Sadiq,Sadeq,Sadik|صادق|6
mostafa|Mostafa,Mustafa,Moustafa,Mostapha|مصطفی|9
morteza|Morteza,Murtaza,Mortaza,Murtadha|مرتضی|7
hamid|Hamid,Hameed|حمید|8
hamed|Hamed,Haamed|حامد|4
saeed|Saeed,Saeid,Said,Saied,Sayeed|سعید|8
majid|Majid,Majeed,Madjid|مجید|6
farhad|Farhad,Farhaad|فرهاد|5
behrouz|Behrouz,Behrooz,Behruz|بهروز|4
omid|Omid,Omeed,Umid|امید|5
nasser|Nasser,Naser|ناصر|5
khalil|Khalil,Khaleel,Xalil,Halil|خلیل|5
yaqub|Yaqub,Yaghoub,Yakub,Yaqoob,Yaghoob,Yacoub|یعقوب|5
zabihullah|Zabihullah,Zabiullah,Zabihollah,Zabihulla|ذبیح‌الله|4
najibullah|Najibullah,Najibulla,Najibollah,Najeebullah|نجیب‌الله|4
habibullah|Habibullah,Habibollah,Habibulla,Habeebullah|حبیب‌الله|4
nematullah|Nematullah,Nematollah,Nimatullah,Neamatollah|نعمت‌الله|3
sayed|Sayed,Sayyid,Seyed,Seyyed,Sayid|سید|6
aziz|Aziz,Azeez|عزیز|5
rashid|Rashid,Rasheed,Rachid|رشید|4
karwan|Karwan,Carwan,Karwaan|کاروان|3
rebwar|Rebwar,Rebuar,Rebwaar|ریبوار|3
shwan|Shwan,Shuan,Shwaan|شوان|3
dilshad|Dilshad,Delshad,Dlshad|دلشاد|3
hiwa|Hiwa,Hewa,Heewa|هیوا|2
bakhtiar|Bakhtiar,Bakhtiyar,Baxtiyar,Bakhtyar|بختیار|3
azad|Azad,Azaad|آزاد|3
omar|Omar,Umar,Omer|عمر|8
khaled|Khaled,Khalid,Khaalid,Xalid|خالد|6
faisal|Faisal,Faysal,Feisal|فیصل|3
bilal|Bilal,Belal|بلال|3
mojtaba|Mojtaba,Mujtaba,Mudjtaba|مجتبی|4
nader|Nader,Nadir|نادر|4
amir|Amir,Ameer,Emir|امیر|7
masoud|Masoud,Masood,Masud,Massoud|مسعود|6
jamal|Jamal,Jamaal,Djamal|جمال|4
kamal|Kamal,Kamaal|کمال|4
nabi|Nabi,Nabee|نبی|3
wali|Wali,Vali,Walee|ولی|4
qurban|Qurban,Ghorban,Qorban,Gurban|قربان|3
sultan|Sultan,Soltan,Sultaan|سلطان|3
mansour|Mansour,Mansoor,Mansur|منصور|4
salah|Salah,Salaah|صلاح|3
haidar|Haidar,Heidar,Haider,Heydar,Hayder|حیدر|5
mohammadreza|Mohammad Reza,Mohammadreza,Muhammad Reza,Mohamad Reza,Mohammed Rida|محمدرضا|8
mohammadali|Mohammad Ali,Mohammadali,Muhammad Ali,Mohamad Ali|محمدعلی|5
alireza|Alireza,Ali Reza,Ali-Reza|علیرضا|8
"""

FEMALE = """
fatemeh|Fatemeh,Fatima,Fatemah,Fateme,Fatimah,Fatma|فاطمه|40
zahra|Zahra,Zahraa,Zehra,Zahrah|زهرا|30
maryam|Maryam,Mariam,Maryem,Meryam|مریم|25
masoumeh|Masoumeh,Masoomeh,Masuma,Masoume,Maasoumeh|معصومه|12
zeinab|Zeinab,Zainab,Zaynab,Zeynab|زینب|18
roghayeh|Roghayeh,Roqayyah,Roqia,Ruqaya,Roghaye,Roqaya|رقیه|8
sakineh|Sakineh,Sakina,Sakine,Sakinah|سکینه|8
leila|Leila,Layla,Laila,Leyla|لیلا|10
parisa|Parisa,Pareesa|پریسا|5
somayeh|Somayeh,Sumaya,Somaye,Somaiyeh|سمیه|6
shirin|Shirin,Shireen,Sherin|شیرین|6
nasrin|Nasrin,Nasreen,Nesrin|نسرین|6
farzaneh|Farzaneh,Farzana,Farzane|فرزانه|5
khadijeh|Khadijeh,Khadija,Xadija,Khadije,Khadeeja|خدیجه|10
marzieh|Marzieh,Marzia,Marziye,Marziyeh|مرضیه|5
tahereh|Tahereh,Tahira,Tahere,Taherah|طاهره|4
halimeh|Halimeh,Halima,Haleema|حلیمه|4
gol|Gol,Gul,Gool|گل|3
nazanin|Nazanin,Nazaneen|نازنین|4
sara|Sara,Sarah,Saara|سارا|6
aisha|Aisha,Ayesha,Aysha,Aicha|عایشه|6
ameneh|Ameneh,Amina,Ameena,Aminah|آمنه|6
shilan|Shilan,Sheelan|شیلان|3
avin|Avin,Aveen|آوین|3
rojin|Rojin,Rozhin,Rojeen|روژین|3
berivan|Berivan,Birivan,Bervan|بریوان|2
gulalai|Gulalai,Gulalay,Golalai|گلالی|2
fereshteh|Fereshteh,Farishta,Freshta,Fereshte|فرشته|5
zarghona|Zarghona,Zarghuna,Zarghoona|زرغونه|2
mursal|Mursal,Morsal|مرسل|2
parvaneh|Parvaneh,Parwana,Parvana,Parwane|پروانه|4
sharifa|Sharifa,Sharifeh,Shareefa|شریفه|4
latifa|Latifa,Latifeh,Lateefa|لطیفه|4
nadia|Nadia,Nadiya,Nadiyeh|نادیه|4
fariba|Fariba,Fareeba|فریبا|4
hawa|Hawa,Havva,Hava|حوا|3
rahima|Rahima,Rahimeh,Raheema|رحیمه|3
mahboubeh|Mahboubeh,Mahbooba,Mahbuba,Mahboobeh|محبوبه|4
soraya|Soraya,Suraya,Sorayya,Thuraya|ثریا|4
narges|Narges,Nargis,Narjes|نرگس|5
zohreh|Zohreh,Zuhra,Zohre,Zuhrah|زهره|4
"""

FAMILY = """
ahmadi|Ahmadi,Ahmady,Ahmedi|احمدی|40
mohammadi|Mohammadi,Muhammadi,Mohamadi,Mohammady|محمدی|35
hosseini|Hosseini,Husseini,Hosaini,Hussaini,Hoseini,Husaini|حسینی|30|a
rezaei|Rezaei,Rezaee,Rezai,Rezaie,Rezayi|رضایی|25
karimi|Karimi,Kareemi,Karimy|کریمی|20
rahimi|Rahimi,Raheemi,Rahimy|رحیمی|15
jafari|Jafari,Jafary,Jaafari,Djafari|جعفری|18|a
hashemi|Hashemi,Hashimi,Hashemy|هاشمی|15|a
mousavi|Mousavi,Musavi,Moosavi,Musawi,Mosawi,Moussavi|موسوی|18|a
sadeghi|Sadeghi,Sadeqi,Sadiqi,Sadeghy|صادقی|12
ghasemi|Ghasemi,Qasemi,Qasimi,Ghassemi,Kasemi|قاسمی|12
ebrahimi|Ebrahimi,Ibrahimi,Ebrahimy|ابراهیمی|12
azizi|Azizi,Azeezi,Azizy|عزیزی|12
hakimi|Hakimi,Hakeemi,Hakimy|حکیمی|8
nazari|Nazari,Nazary,Nadhari|نظری|10
rostami|Rostami,Rustami,Rostamy|رستمی|8
sultani|Sultani,Soltani,Sultany|سلطانی|10
haidari|Haidari,Heidari,Haydari,Haideri,Heydari|حیدری|12
amiri|Amiri,Ameeri,Amiry|امیری|12
noori|Noori,Nouri,Nuri,Noory|نوری|12
rahmani|Rahmani,Rahmany|رحمانی|10
safi|Safi,Saafi,Safee|صافی|5
popalzai|Popalzai,Popalzay,Popalzei|پوپلزی|4
barakzai|Barakzai,Barakzay,Barakzei|بارکزی|4
ahmadzai|Ahmadzai,Ahmadzay,Ahmedzai|احمدزی|5
stanekzai|Stanekzai,Stanikzai,Stanakzai|استانکزی|3
mohammadzadeh|Mohammadzadeh,Mohammadzada,Muhammadzada,Mohammad-Zadeh,Mohamadzadeh,Mohammadzade|محمدزاده|8
hosseinzadeh|Hosseinzadeh,Hosseinzada,Husseinzada,Hossein-Zadeh,Hoseinzadeh|حسین‌زاده|8
alizadeh|Alizadeh,Alizada,Ali-Zadeh,Alizade|علیزاده|10
hassanzadeh|Hassanzadeh,Hasanzadeh,Hassanzada,Hasanzada|حسن‌زاده|6
qaderi|Qaderi,Ghaderi,Qadiri,Kaderi|قادری|6
qurbani|Qurbani,Ghorbani,Qorbani,Gurbani|قربانی|8
mahmoudi|Mahmoudi,Mahmoodi,Mahmudi|محمودی|10
salehi|Salehi,Salihi|صالحی|8
faraji|Faraji,Farajy|فرجی|5
abbasi|Abbasi,Abasi,Abbasy|عباسی|12
yousefi|Yousefi,Yusufi,Yousufi,Yosefi|یوسفی|8
kazemi|Kazemi,Kazimi,Kadhimi|کاظمی|10|a
akbari|Akbari,Akbary|اکبری|10
moradi|Moradi,Muradi,Morady|مرادی|10
najafi|Najafi,Nadjafi,Najafy|نجفی|6|a
hamidi|Hamidi,Hameedi|حمیدی|6
shirzad|Shirzad,Sherzad,Shirzaad|شیرزاد|3
tamimi|al-Tamimi,Al Tamimi,Altamimi,el-Tamimi,Tamimi,Al-Tameemi|التمیمی|6|a
jaburi|al-Jaburi,Al Jabouri,al-Jubouri,Jubouri,Aljaburi,al-Joubouri|الجبوری|5|a
saadi|al-Saadi,Al Saadi,Alsaadi,el-Saadi,Saadi,al-Sa'di|الساعدی|4|a
ubaidi|al-Ubaidi,Al Obaidi,al-Obeidi,Obaidi,Alubaidi|العبیدی|4|a
khafaji|al-Khafaji,Al Khafaji,Alkhafaji,Khafaji,al-Xafaji|الخفاجی|3|a
zubaidi|al-Zubaidi,Al Zubaidi,Zubaidi,al-Zoubaidi|الزبیدی|3|a
barzanji|Barzanji,Barzinji,Berzinji|برزنجی|3
hawrami|Hawrami,Hewrami,Horami,Awrami|هورامی|3
kurdi|Kurdi,Kordi,Kurdy|کردی|4
rasul|Rasul,Rasool,Rasoul|رسول|4
"""

PLACES = """
kabul|Kabul,Kaboul,Cabul|کابل|20
herat|Herat,Hirat,Harat|هرات|12
mazar|Mazar-i-Sharif,Mazar-e Sharif,Mazaresharif,Mazar-e-Sharif,Mazar i Sharif,Mazar|مزار شریف|10
kandahar|Kandahar,Qandahar,Kandehar|قندهار|8
jalalabad|Jalalabad,Jelalabad,Jalal Abad|جلال‌آباد|6
ghazni|Ghazni,Ghazny,Gazni|غزنی|6
bamyan|Bamyan,Bamiyan,Bamian|بامیان|4
kunduz|Kunduz,Kondoz,Qunduz,Kondooz|قندوز|5
tehran|Tehran,Teheran,Tehraan|تهران|14
mashhad|Mashhad,Mashad,Meshed,Mashhed|مشهد|8
isfahan|Isfahan,Esfahan,Ispahan|اصفهان|6
shiraz|Shiraz,Shiraaz|شیراز|5
tabriz|Tabriz,Tebriz|تبریز|5
kermanshah|Kermanshah,Kirmanshah,Kermanshahan|کرمانشاه|5
sanandaj|Sanandaj,Sanandadj,Sine|سنندج|4
mahabad|Mahabad,Mehabad|مهاباد|3
erbil|Erbil,Arbil,Hewler,Irbil,Hawler|اربیل|6
sulaymaniyah|Sulaymaniyah,Sulaimaniya,Slemani,Sulaimani,Suleimaniyah|سلیمانیه|6
duhok|Duhok,Dohuk,Dahuk,Dihok|دهوک|4
baghdad|Baghdad,Bagdad,Baghdaad|بغداد|10
mosul|Mosul,Mousil,Mawsil,Mosel|موصل|6
basra|Basra,Basrah,Busra|بصره|5
kirkuk|Kirkuk,Karkuk,Kerkuk|کرکوک|4
qamishli|Qamishli,Qamishlo,Kamishli,Al-Qamishli|قامشلی|3
zahedan|Zahedan,Zahidan|زاهدان|3
ahvaz|Ahvaz,Ahwaz,Ahwaaz|اهواز|4
urmia|Urmia,Orumiyeh,Urumiyeh,Oroumieh,Urmiya|ارومیه|4
"""

# Twins are often named as a pair; the pairs below differ by a letter or two in Latin script.
TWIN_PAIRS_MALE = [("hassan", "hossein"), ("hamid", "hamed"), ("mahmoud", "mohammad"), ("ali", "abbas")]
TWIN_PAIRS_FEMALE = [("zahra", "zeinab"), ("fatemeh", "zahra"), ("maryam", "marzieh"), ("narges", "nasrin")]

# The long tail of family names, built the way many are formed: a given name or a place plus a
# suffix (Karim-pour, Hossein-nejad, Ali-vand, Hassan-lou, Kabul-i). It spreads the mass so that
# the most common full names recur hundreds, not tens of thousands, of times in a million.
SUFFIXES = [
    ("i", ["i", "y"], "ی", 30),
    ("zadeh", ["zadeh", "zada", "-Zadeh", "zade"], "\u200cزاده", 24),
    ("pour", ["pour", "pur", "poor"], "\u200cپور", 18),
    ("nejad", ["nejad", "nezhad", "nejhad", "nijad"], "\u200cنژاد", 14),
    ("vand", ["vand", "wand"], "وند", 10),
    ("lou", ["lou", "lu", "loo"], "لو", 10),
    ("khani", ["khani", "xani"], "خانی", 10),
]
# -pour and -nejad are Persian forms: not after the Kurdish and Arabic names below, nor after
# "...ullah" names (Nematollahi, Habibollahzadeh exist; Habibollahvand does not).
NOT_PERSIAN_SUFFIXED = {"karwan", "rebwar", "shwan", "dilshad", "hiwa", "bilal", "faisal", "omar", "khaled", "salah"}
# -vand, -lou and -khani attach to a few old names only.
OLD_SUFFIX_BASES = {
    "mohammad",
    "ali",
    "hassan",
    "hossein",
    "karim",
    "rahim",
    "abbas",
    "jafar",
    "qasem",
    "amir",
    "yaqub",
    "ebrahim",
    "mahmoud",
    "nabi",
    "wali",
    "sultan",
    "mansour",
    "haidar",
    "majid",
    "hamid",
}
PLACE_FAMILY = """
kabuli|Kabuli,Kaboli,Kabuly|کابلی|4
herati|Herati,Hirati|هراتی|4
tehrani|Tehrani,Teherani|تهرانی|5
mashhadi|Mashhadi,Mashadi|مشهدی|4
shirazi|Shirazi,Shirazy|شیرازی|4
tabrizi|Tabrizi,Tebrizi|تبریزی|4
isfahani|Isfahani,Esfahani|اصفهانی|4
kermanshahi|Kermanshahi,Kirmanshahi|کرمانشاهی|3
baghdadi|Baghdadi,al-Baghdadi,Bagdadi|بغدادی|4
mosuli|Mosuli,al-Mosuli,Mousili|موصلی|3
kandahari|Kandahari,Qandahari|قندهاری|3
ghaznavi|Ghaznavi,Ghaznawi,Ghaznavy|غزنوی|3
bamyani|Bamyani,Bamiyani|بامیانی|2
sanandaji|Sanandaji,Sanandadji|سنندجی|2
kirkuki|Kirkuki,Karkuki|کرکوکی|2
"""


def family_tail(male: str, existing: str) -> str:
    """Lines in the table format, from the single-word male given names and the suffixes;
    a name already in ``existing`` (Ahmadi, Alizadeh...) keeps its own line there."""
    have = {line.split("|")[0] for line in existing.strip().splitlines()}
    lines = []
    for line in male.strip().splitlines():
        key, spellings, script, weight = line.split("|")[:4]
        first = spellings.split(",")[0]
        base = [s for s in spellings.split(",") if " " not in s and "-" not in s and "'" not in s][:2]
        if not base or " " in first or "-" in first:
            continue
        for suffix, forms, suffix_script, w in SUFFIXES:
            if key + suffix in have or (suffix == "i" and first[-1] in "aeiouy"):
                continue
            if suffix in ("pour", "nejad") and (key in NOT_PERSIAN_SUFFIXED or key.endswith("ullah")):
                continue
            if suffix in ("vand", "lou", "khani") and key not in OLD_SUFFIX_BASES:
                continue
            joined = [b + f for b in base for f in forms]
            share = w * min(float(weight), 15) / 15
            lines.append(f"{key}{suffix}|{','.join(joined)}|{script}{suffix_script}|{share:.2f}")
    return "\n".join(lines) + PLACE_FAMILY
