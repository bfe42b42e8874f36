"""Name tables of the fourth (blind) register generator.

Written blind: from general knowledge of Persian, Dari, Iraqi Arabic and Kurdish naming and of the romanisation
habits of clerks, not from any other name list of this project. All records built from these tables are synthetic
combinations; no real person is described.

Line format of the tables::

    Spelling1/Spelling2/... : script : tags

Latin spellings are listed most usual first (weights fall off geometrically). In the script form ``+`` marks a
morpheme boundary (compound given names, -zadeh, -pour, ...) that clerks write joined, with a space or with a ZWNJ.
Tags: region letters ``p`` (Iran, Persian), ``d`` (Afghanistan, Dari/Pashto), ``a`` (Iraq, Arabic), ``k``
(Kurdish); for given names ``=part1+part2`` names the parts (keys) of a compound name; for family names ``A``
marks an Arabic name usually written with the article (Al-Tamimi) and ``r`` a nisba that may take it.

``build()`` returns the tables and checks that a Latin spelling (and a script form) belongs to one name only.
"""

from __future__ import annotations

MALE = """
Mohammad/Mohammed/Muhammad/Mohamad/Mohamed/Muhammed : محمد : pdak
Ali/Aly/Alee : علی : pdak
Hassan/Hasan/Hassen : حسن : pdak
Hossein/Hussein/Hosein/Husain/Hussain/Hosseyn : حسین : pdak
Reza/Rida/Ridha/Riza : رضا : pak
Akbar/Akber/Akbaar : اکبر : pd
Mohammad Reza/Mohammadreza/Mohamadreza/Muhammad Reza/Mohammed Reza : محمد+رضا : p =mohammad+reza
Alireza/Ali Reza/Ali-Reza/Aliriza : علی+رضا : p =ali+reza
Ali Akbar/Aliakbar/Ali-Akbar/Aliakber : علی+اکبر : pd =ali+akbar
Mohammad Ali/Mohammadali/Muhammad Ali/Mohamadali : محمد+علی : pd =mohammad+ali
Mohammad Hossein/Mohammadhossein/Muhammad Hussain/Mohamad Hosein : محمد+حسین : pd =mohammad+hossein
Gholam/Ghulam/Golam/Qolam : غلام : pd
Gholamreza/Gholam Reza/Ghulam Reza/Golamreza/Qolamreza : غلام+رضا : pd =gholam+reza
Abdollah/Abdullah/Abdallah/Abdulla/Abdolah : عبدالله : pdak
Abbas/Abas/Abbaas : عباس : pdak
Jafar/Jaafar/Ja'far/Jafer : جعفر : pda
Kazem/Kadhim/Kazim/Kadim : کاظم : pa
Mahmoud/Mahmood/Mahmud/Mahmut : محمود : pdak
Mostafa/Mustafa/Moustafa/Mostapha : مصطفی : pdak
Morteza/Murtaza/Murtadha/Mortaza : مرتضی : pda
Mojtaba/Mujtaba/Modjtaba : مجتبی : pd
Habibollah/Habibullah/Habibolah : حبیب+الله : pd
Nasrollah/Nasrullah/Nasrallah : نصر+الله : pda
Asadollah/Asadullah/Assadollah : اسد+الله : pd
Karim/Kareem/Carim : کریم : pdak
Rahim/Raheem/Rahiem : رحیم : pdak
Jalal/Djalal/Jalaal : جلال : pdak
Kamal/Kamaal/Kemal : کمال : pak
Jamal/Jamaal/Djamal : جمال : pdak
Farhad/Farhaad/Ferhad : فرهاد : pdk
Bahram/Behram/Bahraam : بهرام : pk
Dariush/Daryoush/Dariosh/Daryush : داریوش : p
Kourosh/Kurosh/Koorosh/Kuroush : کوروش : p
Siavash/Siyavash/Siavosh/Syavash : سیاوش : p
Babak/Baabak/Babek : بابک : p
Arash/Aarash/Arasch : آرش : p
Omid/Omeed/Umid : امید : pd
Navid/Naveed/Nawid : نوید : pd
Hamid/Hameed/Hamied : حمید : pdak
Hamed/Haamed/Hamad : حامد : pa
Saeed/Saeid/Said/Saied/Sa'id : سعید : pdak
Majid/Madjid/Majeed/Medjid : مجید : pak
Vahid/Wahid/Waheed/Vaheed : وحید : pd
Javad/Jawad/Djavad/Jawaad : جواد : pda
Masoud/Massoud/Masood/Masud : مسعود : pdak
Nader/Nadir/Naader : نادر : pdk
Behrouz/Behruz/Behrooz/Bahrouz : بهروز : p
Fereydoun/Fereidoun/Feridun/Fereydoon : فریدون : pk
Ghasem/Qasim/Qasem/Ghassem/Gasem : قاسم : pda
Ahmad/Ahmed/Achmad/Ahmat : احمد : pdak
Mahdi/Mehdi/Mahdy/Mehdy : مهدی : pda
Yousef/Yusuf/Youssef/Yosef/Yousif : یوسف : pdak
Ebrahim/Ibrahim/Ebrahem/Ibraheem : ابراهیم : pdak
Esmaeil/Ismail/Esmail/Ismael/Esmaiel : اسماعیل : pdak
Yaghoub/Yaqub/Yaqoob/Yaghoob/Yakub : یعقوب : pdak
Davoud/Dawood/Daoud/Dawud/Davood : داوود : pdak
Soleiman/Suleiman/Sulaiman/Soleyman/Suleyman : سلیمان : pdak
Younes/Yunus/Younis/Yones : یونس : pdak
Idris/Edris/Idrees : ادریس : pdak
Zakaria/Zakariya/Zakariah/Zakarya : زکریا : pdak
Khalil/Khaleel/Chalil/Halil : خلیل : pdak
Jalil/Djalil/Jaleel : جلیل : pdak
Nabi/Nabee/Naby : نبی : pd
Ghafour/Ghafoor/Ghafur/Gafur : غفور : pd
Sattar/Satar/Sattaar : ستار : pda
Jabbar/Jabar/Djabbar : جبار : pa
Abdolkarim/Abdulkarim/Abdul Karim/Abdelkarim : عبد+الکریم : pdak
Abdolrahman/Abdulrahman/Abdul Rahman/Abdurrahman/Abdelrahman : عبد+الرحمن : pdak
Abdolhamid/Abdulhamid/Abdul Hamid/Abdelhamid : عبد+الحمید : pdak
Najibullah/Najibollah/Najeebullah : نجیب+الله : d
Zabihullah/Zabihollah/Zabiullah : ذبیح+الله : d
Hekmatullah/Hekmatollah/Hikmatullah : حکمت+الله : d
Rahmatullah/Rahmatollah/Rahmatolah : رحمت+الله : d
Aminullah/Aminollah/Amanullah : امین+الله : d
Shirzad/Sherzad/Shirzaad : شیرزاد : pdk
Sherko/Shirko/Sherku : شیرکو : k
Karwan/Karvan/Kaarwan : کاروان : k
Rebwar/Ribwar/Rebvar : ریبوار : k
Dilshad/Delshad/Dilshaad : دلشاد : pk
Azad/Aazad/Azaad : آزاد : pk
Hiwa/Hiva/Heewa : هیوا : k
Saman/Samaan/Sahman : سامان : pk
Kaveh/Kawa/Kave/Kaweh : کاوه : pk
Barzan/Barzaan/Berzan : بارزان : k
Hazhar/Hezhar/Hejar : هژار : k
Sirwan/Sirvan/Seerwan : سیروان : k
Aram/Araam/Aaram : آرام : pk
Peshraw/Pishraw/Peshrau : پیشرو : k
Bakhtiar/Bakhtiyar/Bachtiar : بختیار : pk
Haidar/Heydar/Haider/Heidar/Hayder : حیدر : pdak
Qadir/Ghader/Qader/Kadir/Ghadir : قادر : pdak
Wali/Vali/Walee : ولی : pd
Zia/Ziya/Dhia/Ziaa : ضیا : pda
Ajmal/Adjmal/Ajmaal : اجمل : d
Shafiq/Shafik/Chafik/Shafeeq : شفیق : pda
Rafiq/Rafik/Rafeeq : رفیق : pdak
Tariq/Tarek/Tarik/Tareq : طارق : da
Saber/Sabir/Sabeer : صابر : pdak
Naser/Nasser/Nasir/Nacer : ناصر : pdak
Mansour/Mansur/Mansoor : منصور : pdak
Javid/Jawed/Javed/Jawid/Djavid : جاوید : pd
Fazel/Fazil/Fadhil/Fadil : فاضل : pda
Taher/Tahir/Taaher : طاهر : pdak
Ehsan/Ihsan/Ehssan : احسان : pdak
Payam/Paiam/Payaam : پیام : p
Ramin/Rameen/Raamin : رامین : p
Kambiz/Kambis/Kaambiz : کامبیز : p
Houshang/Hushang/Hooshang : هوشنگ : p
Manouchehr/Manuchehr/Manoochehr : منوچهر : p
Esfandiar/Esfandyar/Isfandiyar : اسفندیار : p
Ghiyas/Ghias/Ghiath/Giyas : غیاث : da
Mirwais/Mirways/Mirvais : میرویس : d
Ammar/Amar/Ammaar : عمار : a
Bilal/Belal/Bilaal : بلال : da
Hamza/Hamzeh/Hamzah : حمزه : pda
Abuzar/Abouzar/Abozar/Abu Dhar : ابوذر : pda
Sohrab/Suhrab/Sohraab : سهراب : pd
Rostam/Rustam/Rostem : رستم : pdk
Nariman/Nareeman/Nariaman : نریمان : pk
"""

FEMALE = """
Fatemeh/Fatima/Fatemah/Fatma/Fatimah/Fateme : فاطمه : pdak
Zahra/Zahraa/Zehra : زهرا : pdak
Maryam/Mariam/Mariyam/Meryem : مریم : pdak
Zeinab/Zainab/Zeynab/Zaynab : زینب : pdak
Masoumeh/Masuma/Masoomeh/Masouma : معصومه : pd
Roghayeh/Ruqayya/Roqayeh/Rughaya/Roqaya : رقیه : pda
Sakineh/Sakina/Sakine/Sakeena : سکینه : pdak
Khadijeh/Khadija/Khadidja/Khadeeja : خدیجه : pdak
Tahereh/Tahira/Taherah/Tahere : طاهره : pd
Soraya/Thuraya/Suraya/Sorayya : ثریا : pdak
Shirin/Sheerin/Chirine/Shireen : شیرین : pdk
Parvaneh/Parwana/Parvane/Parwaneh : پروانه : pd
Golnar/Gulnar/Golnaar : گلنار : pd
Gulalai/Golalai/Gulalay : گلالی : d
Nasrin/Nasreen/Nesrin : نسرین : pdk
Nahid/Naheed/Nahide : ناهید : pd
Mahnaz/Mahnaaz/Mahnas : مهناز : p
Farideh/Farida/Faride/Fareeda : فریده : pdak
Laleh/Lala/Lale/Laaleh : لاله : pd
Leila/Layla/Leyla/Laila : لیلا : pdak
Homa/Huma/Houma : هما : pd
Azadeh/Azada/Aazadeh/Azade : آزاده : pd
Parisa/Parissa/Pariesa : پریسا : p
Roya/Ruya/Rouya : رویا : pd
Mina/Meena/Minaa : مینا : pdk
Sima/Seema/Simaa : سیما : pd
Shahla/Shahlaa/Shahlah : شهلا : p
Manijeh/Manizheh/Manizha/Manije : منیژه : pd
Tahmineh/Tahmina/Tahmine/Tahmeena : تهمینه : pd
Narges/Nargis/Nargess : نرگس : pdk
Bibi/Beebee/Bibie : بی+بی : d
Habibeh/Habiba/Habibe : حبیبه : pda
Shabnam/Shabnaam/Shabnum : شبنم : pd
Fariba/Fareeba/Faribaa : فریبا : p
Malalai/Malalay/Malali : ملالی : d
Hawa/Hava/Havva/Hauwa : حوا : pdak
Hajar/Hadjar/Hajer/Haajar : هاجر : pdak
Ameneh/Amina/Amena/Aamina : آمنه : pdak
Rahimeh/Rahima/Raheema : رحیمه : pda
Karimeh/Karima/Kareema : کریمه : pda
Jamileh/Jamila/Djamila/Jameela : جمیله : pdak
Nadia/Nadiya/Nadieh/Nadiyeh : نادیه : pak
Samira/Sameera/Samireh : سمیره : pak
Suad/Soad/Souad/Soaad : سعاد : a
Hoda/Huda/Houda : هدی : pa
Noor/Nour/Nur : نور : dak
Asma/Asmaa/Esma : اسما : pdak
Rana/Ra'na/Raana : رعنا : pda
Kobra/Kubra/Koubra : کبری : pd
Zarmina/Zarmeena/Zarmineh : زرمینه : d
Marzieh/Marzia/Marziyeh/Mardhiya : مرضیه : pda
Nasimeh/Nasima/Naseema : نسیمه : pd
Golnaz/Gulnaz/Golnaaz : گلناز : pd
Firouzeh/Firuza/Firoozeh/Feroza : فیروزه : pd
Setareh/Sitara/Setare/Setara : ستاره : pd
Bahar/Bahaar/Behar : بهار : pdk
Golbahar/Gulbahar/Gol Bahar : گل+بهار : pd
Nazanin/Nazaneen/Nasanin : نازنین : pk
Avin/Aveen/Awin : آوین : k
Shilan/Sheelan/Shilaan : شیلان : k
Hataw/Hatav/Hetaw : هتاو : k
Berivan/Beriwan/Berivaan : بریوان : k
Rojin/Rozhin/Rozheen : روژین : k
Dilan/Deelan/Dilaan : دیلان : k
Zhwan/Jwan/Zhuan : ژوان : k
Kani/Kaani/Kanie : کانی : k
Chnar/Chinar/Chenar : چنار : k
Tara/Taraa/Taara : تارا : pk
Sahar/Sahaar/Sehar : سحر : pdak
Marwa/Marveh/Marwah : مروه : pa
Ghazal/Ghazaal/Qazal : غزل : pd
Vahideh/Wahida/Waheeda : وحیده : pd
"""

FAMILY = """
Karimi/Karimy/Kerimi : کریمی : pdk
Hosseini/Husseini/Hosseyni/Hosaini/Husaini : حسینی : pdar
Mousavi/Musavi/Moussavi/Musawi/Mousawi : موسوی : pdar
Rezaei/Rezai/Rezayi/Rezaee/Rezaie : رضایی : pd
Ahmadi/Ahmady/Ahmedi : احمدی : pdk
Mohammadi/Mohamadi/Muhammadi/Mohammedi : محمدی : pdk
Jafari/Jafary/Djafari/Jaafari : جعفری : pdar
Sadeghi/Sadeqi/Sadighi/Sadegi : صادقی : p
Ghorbani/Qurbani/Gorbani/Qorbani : قربانی : pd
Bagheri/Baqeri/Baqiri/Baghery : باقری : p
Najafi/Nadjafi/Najafy : نجفی : par
Tabrizi/Tabrisi/Tabrizy : تبریزی : p
Shirazi/Chirazi/Shirazy : شیرازی : p
Kermani/Kirmani/Kermaani : کرمانی : p
Esfahani/Isfahani/Isfahany : اصفهانی : p
Heravi/Herawi/Harawi : هروی : d
Kabuli/Kaboli/Kabouli : کابلی : d
Mazari/Mazary/Mazaari : مزاری : d
Balkhi/Balchi/Balkhy : بلخی : d
Kandahari/Qandahari/Kandahary : کندهاری : d
Baghdadi/Bagdadi/Baghdady : بغدادی : ar
Basri/Basry/Basrie : بصری : ar
Mosuli/Mawsili/Mosouli : موصلی : ar
Soleimani/Sulaimani/Suleimani/Soleymani : سلیمانی : pk
Hamadani/Hamedani/Hamadany : همدانی : p
Rashti/Rashty/Rashtie : رشتی : p
Zanjani/Zandjani/Zanjany : زنجانی : p
Hosseinzadeh/Hosseinzade/Husseinzada/Hoseinzadeh : حسین+زاده : p
Alizadeh/Alizada/Alizade/Alizadah : علی+زاده : pd
Ghasemzadeh/Qasemzadeh/Qasimzada : قاسم+زاده : pd
Mirzadeh/Mirzada/Mirzade : میر+زاده : pd
Rahimzadeh/Rahimzada/Rahimzade : رحیم+زاده : pd
Hashemzadeh/Hashimzada/Hashemzade : هاشم+زاده : p
Abbaspour/Abbaspur/Abaspour/Abbaspoor : عباس+پور : p
Alipour/Alipur/Alipoor : علی+پور : p
Hassanpour/Hasanpour/Hassanpur : حسن+پور : pk
Karimnejad/Karimnezhad/Karimnejhad : کریم+نژاد : p
Alinejad/Alinezhad/Alinejhad : علی+نژاد : p
Mohammadnejad/Mohammadnezhad/Mohamadnejad : محمد+نژاد : p
Hoshyar/Hushyar/Houshyar : هوشیار : pk
Dadyar/Dadiar/Daadyar : دادیار : pd
Bakhtiari/Bakhtyari/Bachtiari : بختیاری : p
Kamyar/Kamiar/Kaamyar : کامیار : p
Ahmadzai/Ahmadzay/Ahmedzai : احمد+زی : d
Yousafzai/Yusufzai/Yousufzai : یوسف+زی : d
Stanikzai/Stanekzai/Staneksai : استانک+زی : d
Popalzai/Popalzay/Popalsai : پوپل+زی : d
Barakzai/Barakzay/Barekzai : بارک+زی : d
Noorzai/Nurzai/Nourzai : نور+زی : d
Sulemankhel/Sulaimankhel/Soleimankhil : سلیمان+خیل : d
Ahmadkhel/Ahmadkhil/Ahmedkhel : احمد+خیل : d
Zadran/Zadraan/Zadrun : زدران : d
Mangal/Mangel/Mangall : منگل : d
Safi/Saafi/Safy : صافی : d
Wardak/Vardak/Wardag : وردک : d
Nuristani/Nooristani/Nouristani : نورستانی : d
Changezi/Chengizi/Changizi : چنگیزی : d
Hashimi/Hashemi/Hachemi/Hashimy : هاشمی : parA
Tamimi/Tameemi/Temimi : تمیمی : aA
Jubouri/Jabouri/Juburi/Jbouri : جبوری : aA
Obeidi/Ubaidi/Obaidi/Oubaidi : عبیدی : aA
Saadi/Sa'adi/Saedi : ساعدی : aA
Dulaimi/Duleimi/Delimi : دلیمی : aA
Khafaji/Khafadji/Khafagi : خفاجی : aA
Rubaie/Rubaiy/Rabiei/Rubaye : ربیعی : paA
Zubaidi/Zubeidi/Zobeidi : زبیدی : aA
Ansari/Ansary/Anssari : انصاری : pdar
Bayati/Bayaty/Biati : بیاتی : akA
Azzawi/Azawi/Azzaoui : عزاوی : aA
Shammari/Shamari/Chammari : شمری : aA
Barzani/Barzany/Barzanie : بارزانی : k
Talabani/Talebani/Talibani : طالبانی : k
Jaff/Jaf/Djaf : جاف : k
Hawrami/Hewrami/Hourami : هورامی : k
Mukriani/Mokriani/Mukriyani : موکریانی : k
Zangana/Zanganeh/Sangana : زنگنه : pk
Kakai/Kakaei/Kakayi : کاکه+ای : k
Hawleri/Hewleri/Hawlery : هولیری : k
Kurdi/Kordi/Kurdy : کردی : pk
Khoshnaw/Khoshnav/Khoshnau : خوشناو : k
Doski/Dosky/Duski : دوسکی : k
Tehrani/Teherani/Tehrany : تهرانی : p
Farahani/Farahany/Farahaani : فراهانی : p
Golestani/Gulistani/Golestany : گلستانی : pd
Sharifi/Charifi/Sharify : شریفی : pdk
Naderi/Nadiri/Nadery : نادری : pdk
Azimi/Azeemi/Asimi : عظیمی : pd
Kazemi/Kazimi/Kadhimi : کاظمی : par
Fazeli/Fazili/Fadhili : فاضلی : pdar
Ebrahimi/Ibrahimi/Ebrahemi : ابراهیمی : pdk
Nouri/Nuri/Noori : نوری : pdar
Amini/Ameeni/Aminy : امینی : pdk
Rostami/Rustami/Rostamy : رستمی : pdk
Sohrabi/Suhrabi/Sohraabi : سهرابی : pd
Yazdani/Yazdany/Jazdani : یزدانی : p
Soltani/Sultani/Soltany : سلطانی : pdk
Mirzaei/Mirzai/Mirzayi/Mirzaee : میرزایی : pd
Darvishi/Darwishi/Derwishi : درویشی : pdk
Habibi/Habeebi/Habiby : حبیبی : pdar
Zamani/Zamany/Zamaani : زمانی : pd
Heidari/Haidari/Heydari/Haydari : حیدری : pdar
Ghaderi/Qaderi/Qadiri/Kaderi : قادری : pdk
Panahi/Panahy/Panaahi : پناهی : p
Mohseni/Muhsini/Mohsini : محسنی : pd
Osmani/Usmani/Othmani/Uthmani : عثمانی : dar
"""

# Stems of the long tail of family names: given-name stems (suffixes -zadeh, -pour, -nejad, -yar, and for
# Afghan stems -zai, -khel) and place stems (nisba in -i; Arabic ones may take the article).
TAIL_STEMS = """
Jalal/Djalal : جلال : pd
Kamal/Kemal : کمال : pk
Jamal/Djamal : جمال : pd
Bahram/Behram : بهرام : p
Ghafour/Ghafur : غفور : pd
Sattar/Satar : ستار : pd
Nabi/Naby : نبی : pd
Yaghoub/Yaqub : یعقوب : p
Esmail/Ismail : اسماعیل : p
Davoud/Dawood : داوود : pd
Nader/Nadir : نادر : p
Javad/Jawad : جواد : p
Saber/Sabir : صابر : p
Taher/Tahir : طاهر : p
Mansour/Mansur : منصور : p
Habib/Habeeb : حبیب : pd
Rasoul/Rasul : رسول : pdk
Ghafar/Ghaffar : غفار : pd
Shah/Shaah : شاه : pd
Amir/Ameer : امیر : pd
Mir/Meer : میر : d
Gol/Gul : گل : d
Sher/Shir : شیر : d
Dost/Dust : دوست : d
Khan/Chan : خان : d
Akhund/Akhoond : آخوند : pd
Zaman/Saman : زمان : d
Nazar/Nasar : نظر : pd
Qorban/Ghorban : قربان : pd
Malek/Malik : ملک : pd
"""

TAIL_PLACES = """
Qazvin/Ghazvin : قزوین : p
Kashan/Kaschan : کاشان : p
Semnan/Semnaan : سمنان : p
Ardabil/Ardebil : اردبیل : p
Sabzevar/Sabzawar : سبزوار : p
Gilan/Guilan : گیلان : p
Ghaznaw/Ghaznav : غزنو : d
Panjshir/Panjsher : پنجشیر : d
Logar/Lugar : لوگر : d
Paghman/Paghmaan : پغمان : d
Parwan/Parvan : پروان : d
Baghlan/Baghlaan : بغلان : d
Badakhsh/Badakhch : بدخش : d
Anbar/Anbaar : انبار : aA
Hill/Hell : حل : aA
Karbala/Karbalaa : کربلا : aA
Samarra/Samara : سامرا : aA
Khalis/Khales : خالص : aA
Kirkuk/Karkuk : کرکوک : k
Halabj/Halabdj : حلبج : k
Koy/Koi : کوی : k
Ranya/Raniya : رانیا : k
Garmiyan/Germian : گرمیان : k
Pizhdar/Pshdar : پژدر : k
Sharazur/Shahrazur : شهرزور : k
Sind/Send : سند : k
Zakho/Zakhu : زاخو : k
Duhok/Dohuk : دهوک : k
"""

# Places of birth, romanised variously.
PLACES = """
Kabul/Kabol/Caboul/Kaboul : کابل : d
Herat/Hirat/Harat : هرات : d
Mazar-i-Sharif/Mazar-e Sharif/Mazar Sharif/Mazari Sharif : مزار+شریف : d
Kandahar/Qandahar/Kandehar : قندهار : d
Ghazni/Ghazny/Ghasni : غزنی : d
Jalalabad/Djalalabad/Jelalabad : جلال+آباد : d
Kunduz/Qunduz/Kondoz : کندز : d
Bamyan/Bamiyan/Bamian : بامیان : d
Tehran/Teheran/Tehraan : تهران : p
Mashhad/Mashad/Meshhed : مشهد : p
Isfahan/Esfahan/Ispahan : اصفهان : p
Shiraz/Chiraz/Schiraz : شیراز : p
Tabriz/Tebriz/Tabris : تبریز : p
Kermanshah/Kermanschah/Kirmanshah : کرمان+شاه : pk
Sanandaj/Sanandadj/Sinne : سنندج : pk
Mahabad/Mehabad/Mahabat : مهاباد : pk
Ahvaz/Ahwaz/Ahvas : اهواز : pa
Qom/Ghom/Qum : قم : p
Baghdad/Bagdad/Baghdaad : بغداد : a
Basra/Basrah/Bassora : بصره : a
Mosul/Mossoul/Mawsil : موصل : a
Najaf/Nadjaf/Nedjef : نجف : a
Karbala/Kerbala/Karbalaa : کربلا : a
Diyala/Diala/Dijala : دیالی : a
Erbil/Arbil/Hawler/Irbil : اربیل : k
Sulaymaniyah/Sulaimaniya/Slemani/Souleimaniye : سلیمانیه : k
Kirkuk/Karkuk/Kerkuk : کرکوک : ak
Duhok/Dohuk/Dahuk : دهوک : k
Halabja/Halabdja/Helebce : حلبچه : k
"""

REGIONS = "pdak"


def _parse(block: str) -> list[tuple[list[str], str, str]]:
    rows = []
    for line in block.strip().splitlines():
        sp, script, tags = (part.strip() for part in line.split(" : "))
        rows.append(([s.strip() for s in sp.split("/")], script, tags))
    return rows


# Letter forms and separators that do not change which name a spelling writes.
_SCRIPT_MAP = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u200c": None,
        "\u200d": None,
        "\u0640": None,
        " ": None,
        "-": None,
        "'": None,
        "\u2019": None,
        "\u2018": None,
        "`": None,
        ".": None,
        "+": None,
        **{chr(c): None for c in range(0x064B, 0x0660)},
        "\u0670": None,
    }
)


def norm(spelling: str) -> str:
    """Lower-case, separators and diacritics dropped, Arabic letter forms mapped to Persian ones."""
    return spelling.strip().lower().translate(_SCRIPT_MAP)


_SUN = ("sh", "th", "dh", "t", "d", "r", "z", "s", "n")


def strip_article(n: str) -> str | None:
    """The normalised form without a leading Arabic article (al-, el-, ul-, assimilated ash-/at-..., ال), or None."""
    if n.startswith("ال"):
        return n[2:]
    for art in ("al", "el", "ul"):
        if n.startswith(art) and len(n) > len(art) + 2:
            return n[len(art) :]
    if n.startswith(("a", "e")):
        for c in _SUN:
            if n[1:].startswith(c + c):
                return n[1 + len(c) :]
    return None


def _cap(s: str) -> str:
    out = []
    up = True
    for ch in s:
        out.append(ch.upper() if up else ch)
        up = ch in " -"
    return "".join(out)


def style_variant(spelling: str, style: str) -> str:
    """How a clerk with French, German or Afghan (tazkira) habits would write the usual English spelling."""
    s = spelling.lower()
    if style == "fr":
        s = s.replace("sh", "ch").replace("dj", "j").replace("j", "dj")
        s = s.replace("ou", "\x00").replace("u", "ou").replace("\x00", "ou")
        if s.endswith("eh"):
            s = s[:-1]
    elif style == "de":
        s = s.replace("ch", "tsch").replace("sh", "sch").replace("kh", "ch").replace("dj", "j").replace("j", "dsch")
        s = s.replace("ou", "u").replace("v", "w").replace("y", "j")
    elif style == "af":
        s = s.replace("ollah", "ullah").replace("abdol", "abdul").replace("ei", "ai")
        if s.endswith("zadeh"):
            s = s[:-5] + "zada"
        elif s.endswith("eh"):
            s = s[:-2] + "a"
    return _cap(s)


STYLES = ("fr", "de", "af")
_WEIGHTS = (1.0, 0.45, 0.25, 0.15, 0.1, 0.07, 0.05)


class Name:
    __slots__ = ("key", "script", "spellings", "weights", "styled", "regions", "sex", "parts", "article")

    def __init__(self, key, script, spellings, weights, regions, sex="", parts=(), article=""):
        self.key = key
        self.script = script  # with '+' at morpheme boundaries
        self.spellings = spellings  # Latin spellings, most usual first
        self.weights = weights
        self.styled: dict[str, str] = {}  # style -> spelling (a clerk habit), only where unambiguous
        self.regions = regions
        self.sex = sex
        self.parts = parts  # keys of the parts of a compound given name
        self.article = article  # 'A' usually with the Arabic article, 'r' may take it, '' never


class Tables:
    def __init__(self):
        self.given: list[Name] = []
        self.family: list[Name] = []
        self.family_tail_start = 0
        self.places: list[Name] = []
        self.lookup: dict[str, dict[str, str]] = {"given": {}, "family": {}, "place": {}}
        self.by_key: dict[str, dict[str, Name]] = {"given": {}, "family": {}, "place": {}}


def _add(tables: Tables, kind: str, name: Name, strict: bool) -> bool:
    """Register a name's Latin spellings and script form; a spelling of another name is an error (strict) or
    dropped (derived spellings of the long tail)."""
    look = tables.lookup[kind]
    sk = norm(name.script)
    if sk in look and look[sk] != name.key:
        if strict:
            raise ValueError(f"{kind}: script {name.script} of {name.key} already belongs to {look[sk]}")
        return False
    keep_sp, keep_w = [], []
    for sp, w in zip(name.spellings, name.weights, strict=True):
        n = norm(sp)
        owner = look.get(n)
        if owner is not None and owner != name.key:
            if strict:
                raise ValueError(f"{kind}: spelling {sp} of {name.key} already belongs to {owner}")
            continue
        if n in (norm(s) for s in keep_sp):
            continue
        keep_sp.append(sp)
        keep_w.append(w)
    if not keep_sp:
        return False
    name.spellings, name.weights = keep_sp, keep_w
    if name.key in tables.by_key[kind]:
        if strict:
            raise ValueError(f"{kind}: key {name.key} twice")
        return False
    for sp in keep_sp:
        look[norm(sp)] = name.key
    look[sk] = name.key
    tables.by_key[kind][name.key] = name
    return True


def _add_styles(tables: Tables, kind: str, names: list[Name]) -> None:
    look = tables.lookup[kind]
    for name in names:
        for style in STYLES:
            v = style_variant(name.spellings[0], style)
            n = norm(v)
            if n == norm(name.spellings[0]):
                continue
            owner = look.get(n)
            if owner is None:
                look[n] = name.key
            elif owner != name.key:
                continue
            name.styled[style] = v


def build() -> Tables:
    t = Tables()
    for block, sex in ((MALE, "M"), (FEMALE, "F")):
        for sps, script, tags in _parse(block):
            regions, _, parts = tags.partition(" =")
            key = norm(sps[0])
            comp = tuple(parts.split("+")) if parts else ()
            name = Name(key, script, sps, list(_WEIGHTS[: len(sps)]), regions, sex, comp)
            _add(t, "given", name, strict=True)
            t.given.append(name)
    for name in t.given:
        for part in name.parts:
            if part not in t.by_key["given"]:
                raise ValueError(f"compound {name.key}: part {part} is not a given name")
    for sps, script, tags in _parse(FAMILY):
        art = "A" if "A" in tags else ("r" if "r" in tags else "")
        regions = "".join(c for c in tags if c in REGIONS)
        name = Name(norm(sps[0]), script, sps, list(_WEIGHTS[: len(sps)]), regions, article=art)
        _add(t, "family", name, strict=True)
        t.family.append(name)
    t.family_tail_start = len(t.family)
    suffixes = {
        "zadeh": (("zadeh", "zada", "zade"), "زاده", "pd"),
        "pour": (("pour", "pur", "poor"), "پور", "p"),
        "nejad": (("nejad", "nezhad", "nejhad"), "نژاد", "p"),
        "yar": (("yar", "iar"), "یار", "pd"),
        "zai": (("zai", "zay"), "زی", "d"),
        "khel": (("khel", "khil"), "خیل", "d"),
    }
    for sps, script, tags in _parse(TAIL_STEMS):
        for _suf, (latins, sscript, sregions) in suffixes.items():
            regions = "".join(c for c in tags if c in sregions)
            if not regions:
                continue
            spellings, weights = [], []
            for i, stem in enumerate(sps):
                for j, suf in enumerate(latins):
                    spellings.append(stem + suf)
                    weights.append(_WEIGHTS[i] * _WEIGHTS[j])
            # passports often split the suffix off: Hossein Zadeh
            spellings.append(f"{sps[0]} {latins[0].capitalize()}")
            weights.append(0.08)
            order = sorted(range(len(spellings)), key=lambda k: -weights[k])
            spellings = [spellings[k] for k in order]
            weights = [weights[k] for k in order]
            name = Name(norm(spellings[0]), script + "+" + sscript, spellings, weights, regions)
            if _add(t, "family", name, strict=False):
                t.family.append(name)
    for sps, script, tags in _parse(TAIL_PLACES):
        regions = "".join(c for c in tags if c in REGIONS)
        spellings, weights = [], []
        for i, stem in enumerate(sps):
            low = stem.lower()
            forms = [stem + "yi", stem + "i"] if low.endswith(("a", "o", "u")) else [stem + "i", stem + "y"]
            for j, f in enumerate(forms):
                spellings.append(f)
                weights.append(_WEIGHTS[i] * _WEIGHTS[j])
        sscript = script + ("یی" if script.endswith(("ا", "و")) else "ی")
        art = "A" if "A" in tags else ""
        name = Name(norm(spellings[0]), sscript, spellings, weights, regions, article=art)
        if _add(t, "family", name, strict=False):
            t.family.append(name)
    for sps, script, tags in _parse(PLACES):
        name = Name(norm(sps[0]), script, sps, list(_WEIGHTS[: len(sps)]), tags)
        _add(t, "place", name, strict=True)
        t.places.append(name)
    _add_styles(t, "given", t.given)
    _add_styles(t, "family", t.family)
    _add_styles(t, "place", t.places)
    return t
