"""SYNTHETIC: the hand-written material of the unit-test evaluation set (a fixture, not real news): 42 stories about 14 entities (three different events
per entity, so every story has look-alike distractors), each with headline variants and summary facts,
some also told in Russian. generate.py turns them into items deterministically. All names are fictional."""

# fmt: off
STORIES = [
    # --- Helio Semiconductor ------------------------------------------------------------------------
    {"id": "helio-earnings", "day": 1.2, "en": {
        "headlines": [
            "Helio Semiconductor beats forecasts as data-center revenue hits record",
            "Helio quarterly profit jumps 48% on AI server demand",
            "Chipmaker Helio tops Wall Street estimates, lifts full-year outlook",
            "Helio Semiconductor shares climb after blowout third-quarter results",
            "Record quarter for Helio as cloud giants keep buying accelerators",
        ],
        "facts": [
            "Helio reported third-quarter revenue of $18.2 billion, up 61% from a year earlier, against analyst estimates of $16.9 billion.",
            "Data-center sales reached a record $12.4 billion as hyperscalers expanded AI clusters.",
            "Net profit rose 48% to $5.1 billion, or $2.07 per share.",
            "The company raised its full-year revenue guidance to between $68 billion and $70 billion.",
            "Chief financial officer Dana Whitmore said gross margin improved to 71.5% on a richer product mix.",
            "Helio shares rose 9% in after-hours trading following the quarterly report.",
        ]},
     "ru": {
        "headlines": [
            "Выручка Helio Semiconductor за квартал выросла на 61% и превысила прогнозы",
            "Helio отчиталась о рекордной выручке от дата-центров",
        ],
        "facts": [
            "Выручка Helio в третьем квартале составила 18,2 млрд долларов, что на 61% больше, чем годом ранее.",
            "Продажи сегмента дата-центров достигли рекордных 12,4 млрд долларов.",
            "Компания повысила прогноз годовой выручки до 68–70 млрд долларов, акции Helio подорожали на 9%.",
        ]}},
    {"id": "helio-export", "day": 3.0, "en": {
        "headlines": [
            "New export rules bar Helio from shipping top AI chips to China",
            "Commerce Department tightens curbs on Helio accelerator sales to Chinese buyers",
            "Helio warns of $2 billion hit from expanded chip export restrictions",
            "US widens chip export controls, Helio says China sales will fall",
            "Helio scrambles to design compliant chip after export ban",
        ],
        "facts": [
            "The Commerce Department expanded its export controls to cover Helio's H800 and H850 accelerators.",
            "Helio said in a regulatory filing that the licence requirement could cut revenue by about $2 billion next quarter.",
            "China accounted for roughly 14% of Helio's data-center sales last year.",
            "Officials said the rules close loopholes that allowed slightly slower chips to be sold to Chinese firms.",
            "Helio is working on a lower-performance variant that would meet the new thresholds, people familiar with the plans said.",
        ]},
     "ru": {
        "headlines": [
            "США запретили Helio поставлять ИИ-ускорители в Китай",
            "Новые экспортные ограничения обойдутся Helio в 2 млрд долларов",
        ],
        "facts": [
            "Министерство торговли США расширило экспортный контроль на ускорители Helio H800 и H850.",
            "Helio оценивает потери от лицензионного требования примерно в 2 млрд долларов выручки в следующем квартале.",
            "На Китай приходилось около 14% продаж Helio в сегменте дата-центров.",
        ]}},
    {"id": "helio-h900", "day": 9.5, "en": {
        "headlines": [
            "Helio unveils H900 accelerator with 3x faster AI training",
            "Helio's new H900 chip targets trillion-parameter models",
            "Hands-on: Helio H900 brings liquid cooling and 288GB of memory",
            "Helio launches H900, its biggest chip yet, at developer conference",
        ],
        "facts": [
            "Chief executive Marcus Lindqvist introduced the H900 accelerator during the keynote of the company's developer conference in San Jose.",
            "The H900 packs 288GB of high-bandwidth memory and is built on a 3-nanometre process.",
            "Helio claims the chip trains large language models three times faster than the previous generation.",
            "Systems with eight H900 chips will ship to cloud providers in the second half of next year.",
            "The accelerator requires liquid cooling, which Helio says most new data centers already support.",
        ]}},
    # --- Nordvik Motors -----------------------------------------------------------------------------
    {"id": "nordvik-recall", "day": 2.1, "en": {
        "headlines": [
            "Nordvik Motors recalls 120,000 electric SUVs over brake software fault",
            "Nordvik issues recall for Aurora SUVs after braking complaints",
            "Brake glitch forces Nordvik to recall 120,000 vehicles",
            "Regulators open probe as Nordvik recalls Aurora electric SUVs",
            "Nordvik to fix brake software in 120,000 Aurora models via update",
        ],
        "facts": [
            "Nordvik Motors is recalling 120,000 Aurora electric SUVs built between 2024 and 2026 because a software fault can delay brake response.",
            "The National Highway Traffic Safety Administration said it received 37 complaints and reports of four minor crashes.",
            "Owners will receive an over-the-air software update, and dealers will inspect vehicles that cannot be updated remotely.",
            "Nordvik said no injuries had been linked to the defect.",
            "The recall is the carmaker's largest since it began deliveries of the Aurora.",
        ]},
     "ru": {
        "headlines": [
            "Nordvik Motors отзывает 120 тысяч электрических внедорожников Aurora",
            "Из-за сбоя тормозов Nordvik отзывает кроссоверы Aurora",
        ],
        "facts": [
            "Nordvik Motors отзывает 120 тысяч внедорожников Aurora из-за ошибки программного обеспечения тормозной системы.",
            "Регулятор получил 37 жалоб и сообщения о четырех незначительных авариях.",
            "Владельцам установят обновление программного обеспечения по воздуху.",
        ]}},
    {"id": "nordvik-factory", "day": 6.4, "en": {
        "headlines": [
            "Nordvik picks Wroclaw for $4.5 billion European gigafactory",
            "Nordvik Motors to build battery and car plant in Poland",
            "Poland wins Nordvik's new EV factory, 6,000 jobs expected",
            "Nordvik confirms Wroclaw site for its first plant outside Sweden",
        ],
        "facts": [
            "Nordvik Motors will invest $4.5 billion in a combined battery and vehicle plant near Wroclaw, Poland.",
            "The factory is expected to employ 6,000 people and start production in 2028.",
            "Polish officials said the government will provide grants and tax relief worth about $600 million.",
            "The plant will have capacity for 300,000 vehicles a year, Nordvik said.",
        ]}},
    {"id": "nordvik-ceo", "day": 12.0, "en": {
        "headlines": [
            "Nordvik Motors CEO Lars Engstrom steps down",
            "Nordvik chief executive resigns after eight years; CFO to lead interim",
            "Engstrom quits as Nordvik boss amid board clash over strategy",
            "Nordvik names interim chief after Lars Engstrom departure",
        ],
        "facts": [
            "Lars Engstrom resigned as chief executive of Nordvik Motors, ending an eight-year tenure.",
            "Chief financial officer Ingrid Falk will serve as interim CEO while the board searches for a successor.",
            "People close to the company said Engstrom had disagreed with directors over the pace of expansion into the United States.",
            "Nordvik shares fell 6% in Stockholm on the news.",
        ]}},
    # --- Brightwave Bank ----------------------------------------------------------------------------
    {"id": "brightwave-breach", "day": 0.5, "en": {
        "headlines": [
            "Brightwave Bank says hackers stole data of 4 million customers",
            "Brightwave data breach exposes names, addresses and account numbers",
            "Cyberattack on Brightwave Bank hits millions of account holders",
            "Brightwave Bank breach: what customers need to know",
            "Brightwave apologises after third-party vendor breach leaks client records",
        ],
        "facts": [
            "Brightwave Bank said attackers accessed personal information of about 4 million customers through a compromised file-transfer vendor.",
            "Stolen data includes names, home addresses, dates of birth and account numbers, but not passwords or card PINs.",
            "The bank detected the intrusion on Tuesday and notified police and the data protection authority.",
            "Brightwave is offering affected customers two years of free credit monitoring.",
            "Security researchers linked the attack to a ransomware group that has targeted several financial firms this year.",
        ]}},
    {"id": "brightwave-fine", "day": 4.2, "en": {
        "headlines": [
            "Regulator fines Brightwave Bank 45 million euros over money laundering controls",
            "Brightwave hit with record AML penalty",
            "Brightwave Bank agrees to pay €45m to settle anti-money-laundering case",
            "Watchdog slams Brightwave for failing to monitor suspicious transfers",
        ],
        "facts": [
            "The financial supervisor fined Brightwave Bank 45 million euros for failing to monitor suspicious transactions between 2019 and 2023.",
            "Investigators found that more than 9,000 alerts about possible money laundering were left unreviewed.",
            "Brightwave said it accepted the findings and had since hired 400 compliance staff.",
            "It is the largest anti-money-laundering penalty the supervisor has imposed on a domestic lender.",
        ]}},
    {"id": "brightwave-paylo", "day": 10.3, "en": {
        "headlines": [
            "Brightwave Bank to buy fintech Paylo for $1.2 billion",
            "Brightwave agrees deal for payments start-up Paylo",
            "Brightwave bets on digital payments with $1.2bn Paylo acquisition",
            "Paylo founders to join Brightwave as bank snaps up app",
        ],
        "facts": [
            "Brightwave Bank agreed to acquire payments start-up Paylo for $1.2 billion in cash and shares.",
            "Paylo's app has 7 million users, mostly under 35, and processes about $20 billion in payments a year.",
            "The deal values Paylo at roughly twice its last private funding round.",
            "The acquisition is expected to close in the first quarter, subject to regulatory approval.",
        ]}},
    # --- Port Alder ---------------------------------------------------------------------------------
    {"id": "alder-flood", "day": 5.0, "en": {
        "headlines": [
            "Record rainfall floods Port Alder, thousands evacuated",
            "Port Alder declares emergency as river bursts its banks",
            "Floods cut power to 40,000 homes in Port Alder",
            "Rescuers use boats to reach stranded Port Alder residents",
            "Port Alder flooding: schools closed, roads under water",
        ],
        "facts": [
            "More than 180 millimetres of rain fell on Port Alder in 24 hours, the highest total since records began.",
            "The Alder River burst its banks overnight, forcing the evacuation of about 7,500 residents.",
            "The regional utility said 40,000 homes were without electricity.",
            "The mayor declared a state of emergency and asked the national guard for help.",
            "Rescue crews in boats pulled dozens of people from flooded houses in the low-lying Eastbank district.",
        ]},
     "ru": {
        "headlines": [
            "Наводнение в Порт-Олдере: эвакуированы тысячи жителей",
            "В Port Alder объявлен режим чрезвычайной ситуации из-за паводка",
        ],
        "facts": [
            "За сутки в Port Alder выпало более 180 миллиметров осадков — рекорд за всю историю наблюдений.",
            "Река вышла из берегов, эвакуированы около 7500 жителей, 40 тысяч домов остались без электричества.",
            "Мэр объявил режим чрезвычайной ситуации.",
        ]}},
    {"id": "alder-strike", "day": 8.0, "en": {
        "headlines": [
            "Port Alder dock workers walk out over automation plans",
            "Strike shuts Port Alder container terminals",
            "Cargo piles up as Port Alder dockers strike for second day",
            "Port Alder strike: union rejects latest wage offer",
        ],
        "facts": [
            "About 3,000 dock workers at Port Alder went on strike after talks over automated cranes broke down.",
            "The union says the port operator plans to replace a third of crane operators with remote-controlled systems by 2028.",
            "More than 30 container ships were waiting at anchor outside the harbour.",
            "The operator offered a 6% pay rise, which the union rejected as insufficient.",
        ]}},
    {"id": "alder-bridge", "day": 15.0, "en": {
        "headlines": [
            "Port Alder opens new harbour bridge after five years of construction",
            "First cars cross Port Alder's $900 million cable-stayed bridge",
            "Port Alder celebrates opening of Harbour Link bridge",
        ],
        "facts": [
            "The Harbour Link bridge, a 1.4-kilometre cable-stayed span, opened to traffic on Saturday.",
            "The project cost $900 million and took five years to build, a year longer than planned.",
            "City officials expect the bridge to cut commuting times across the harbour by up to 25 minutes.",
            "Thousands of residents walked across the bridge during an opening ceremony with fireworks.",
        ]}},
    # --- Skyreach -----------------------------------------------------------------------------------
    {"id": "skyreach-explosion", "day": 3.6, "en": {
        "headlines": [
            "Skyreach rocket explodes shortly after liftoff",
            "Skyreach Falcon-class Vega 2 rocket lost on test flight",
            "Debris rains down after Skyreach launch ends in fireball",
            "Skyreach says engine anomaly caused Vega 2 explosion",
        ],
        "facts": [
            "Skyreach's Vega 2 rocket exploded about 70 seconds after lifting off from its coastal launch site.",
            "The company said telemetry pointed to an anomaly in one of the nine first-stage engines.",
            "No one was injured, but aviation authorities diverted flights while debris fell into the ocean.",
            "The uncrewed test flight carried no customer payloads.",
            "Regulators said Skyreach must complete a mishap investigation before flying again.",
        ]},
     "ru": {
        "headlines": [
            "Ракета Skyreach Vega 2 взорвалась через 70 секунд после старта",
            "Испытательный пуск Skyreach закончился взрывом",
        ],
        "facts": [
            "Ракета Vega 2 компании Skyreach взорвалась примерно через 70 секунд после старта.",
            "По данным телеметрии, причиной стала неисправность одного из двигателей первой ступени.",
            "Пострадавших нет, полезной нагрузки на борту не было.",
        ]}},
    {"id": "skyreach-satellites", "day": 13.0, "en": {
        "headlines": [
            "Skyreach deploys 40 broadband satellites in first successful Vega 2 mission",
            "Skyreach bounces back with flawless satellite launch",
            "Vega 2 reaches orbit, puts 40 Skylink satellites in place",
        ],
        "facts": [
            "Skyreach placed 40 Skylink broadband satellites into low Earth orbit on Thursday.",
            "It was the first successful flight of the Vega 2 rocket after last month's test failure.",
            "The company plans to offer internet service to rural customers once 400 satellites are in orbit.",
            "The first stage landed on a drone ship for reuse.",
        ]}},
    {"id": "skyreach-funding", "day": 7.2, "en": {
        "headlines": [
            "Skyreach raises $300 million in Series D despite launch setback",
            "Investors pour $300m into Skyreach, valuing it at $4 billion",
            "Space start-up Skyreach closes new funding round led by Orion Capital",
        ],
        "facts": [
            "Skyreach raised $300 million in a Series D round led by Orion Capital, valuing the company at $4 billion.",
            "The money will fund production of more Vega 2 rockets and the Skylink satellite network.",
            "Existing investors including Meridian Ventures also joined the round.",
            "Founder Amara Okafor said demand for launches remains strong.",
        ]}},
    # --- Chirp ----------------------------------------------------------------------------------------
    {"id": "chirp-outage", "day": 1.8, "en": {
        "headlines": [
            "Chirp down for millions in six-hour global outage",
            "Chirp restores service after worldwide outage",
            "Chirp blames faulty configuration change for global outage",
            "Users locked out as Chirp suffers longest outage in years",
            "Chirp outage: app and website fail to load worldwide",
        ],
        "facts": [
            "The Chirp social network was unavailable for about six hours on Wednesday, with outage reports peaking at 2.3 million.",
            "Chirp said a faulty configuration change to its backbone routers caused the disruption.",
            "Both the mobile app and the website returned errors for users in Europe, Asia and the Americas.",
            "Services were fully restored by late evening, the company said.",
        ]},
     "ru": {
        "headlines": [
            "Соцсеть Chirp не работала шесть часов по всему миру",
            "Сбой Chirp: компания назвала причину",
        ],
        "facts": [
            "Соцсеть Chirp была недоступна около шести часов, число жалоб достигло 2,3 млн.",
            "Причиной сбоя стало ошибочное изменение конфигурации магистральных маршрутизаторов.",
            "Работа сервиса полностью восстановлена.",
        ]}},
    {"id": "chirp-subscription", "day": 6.0, "en": {
        "headlines": [
            "Chirp launches Chirp Plus subscription with paid verification",
            "Chirp will charge $8 a month for blue checkmarks",
            "Chirp Plus: ad-free feed and verified badge for a monthly fee",
        ],
        "facts": [
            "Chirp introduced Chirp Plus, a subscription costing $8 a month that includes a verification badge.",
            "Subscribers also get an ad-free feed, longer posts and the ability to edit posts.",
            "The service launches first in the United States, Canada and the United Kingdom.",
            "Chirp said free accounts would not lose any existing features.",
        ]}},
    {"id": "chirp-ftc", "day": 11.5, "en": {
        "headlines": [
            "FTC sues Chirp over collection of children's data",
            "Chirp accused of violating child privacy law in federal lawsuit",
            "Regulators say Chirp let under-13s sign up and tracked them",
            "Chirp faces billions in potential fines in FTC privacy case",
        ],
        "facts": [
            "The Federal Trade Commission sued Chirp, alleging it collected personal data from children under 13 without parental consent.",
            "The complaint says Chirp ignored internal warnings that millions of young users were on the platform.",
            "Penalties under the children's privacy law can reach $51,744 per violation.",
            "Chirp said it disagreed with the allegations and would fight the case in court.",
        ]}},
    # --- Veltrix Pharma -----------------------------------------------------------------------------
    {"id": "veltrix-approval", "day": 2.5, "en": {
        "headlines": [
            "FDA approves Veltrix Alzheimer's drug Cognara",
            "Veltrix wins US approval for Alzheimer's treatment",
            "Cognara becomes first monthly Alzheimer's injection to win FDA nod",
            "Veltrix shares soar on Cognara approval",
        ],
        "facts": [
            "The Food and Drug Administration approved Veltrix Pharma's Cognara for patients with early Alzheimer's disease.",
            "In a late-stage study Cognara slowed cognitive decline by 29% over 18 months compared with placebo.",
            "The drug is given as a monthly injection and will cost about $24,000 a year before insurance.",
            "The label carries a warning about brain swelling seen in some trial participants.",
        ]}},
    {"id": "veltrix-trial", "day": 8.7, "en": {
        "headlines": [
            "Veltrix obesity pill fails late-stage trial",
            "Veltrix drops weight-loss pill after disappointing phase 3 data",
            "Veltrix stock tumbles as obesity drug misses main goal",
        ],
        "facts": [
            "Veltrix Pharma said its experimental obesity pill VX-210 failed to meet the main goal of a phase 3 study.",
            "Patients on the drug lost 6.1% of body weight after 68 weeks, compared with 2.4% on placebo, short of the target.",
            "The company will stop development of the pill and take a charge of about $800 million.",
            "Veltrix shares fell 17% in early trading.",
        ]}},
    {"id": "veltrix-layoffs", "day": 14.0, "en": {
        "headlines": [
            "Veltrix to cut 2,000 jobs in restructuring",
            "Veltrix Pharma announces layoffs, site closures after trial failure",
            "Veltrix plans to shed 8% of workforce to save $1 billion",
        ],
        "facts": [
            "Veltrix Pharma will cut about 2,000 jobs, or 8% of its workforce, as part of a restructuring plan.",
            "The company will close research sites in Basel and New Jersey and consolidate work in Boston.",
            "Veltrix expects the changes to save $1 billion a year by 2028.",
            "Unions in Switzerland said they would seek talks about severance terms.",
        ]}},
    # --- FC Dunmore ---------------------------------------------------------------------------------
    {"id": "dunmore-cup", "day": 4.8, "en": {
        "headlines": [
            "FC Dunmore win cup final 2-1 with late Harlow winner",
            "Dunmore lift the cup after dramatic comeback against Westbury",
            "Cup final: Dunmore 2 Westbury 1",
            "Harlow header in stoppage time hands Dunmore the trophy",
        ],
        "facts": [
            "FC Dunmore beat Westbury Athletic 2-1 in the cup final in front of 82,000 fans.",
            "Westbury led through a first-half penalty before Dunmore equalised midway through the second half.",
            "Defender Sam Harlow scored the winner with a header in the 93rd minute.",
            "It is Dunmore's first major trophy in 14 years.",
        ]}},
    {"id": "dunmore-transfer", "day": 10.0, "en": {
        "headlines": [
            "FC Dunmore sign striker Mateo Ruiz for club-record fee",
            "Dunmore complete €65m move for Mateo Ruiz",
            "Mateo Ruiz joins Dunmore on five-year deal",
        ],
        "facts": [
            "FC Dunmore signed Argentine striker Mateo Ruiz from Porto Azul for a club-record 65 million euros.",
            "Ruiz, 23, scored 31 goals in all competitions last season.",
            "He signed a five-year contract and will wear the number nine shirt.",
            "The fee could rise to 75 million euros with add-ons.",
        ]}},
    {"id": "dunmore-manager", "day": 16.0, "en": {
        "headlines": [
            "FC Dunmore sack manager Paul Keane after five straight defeats",
            "Keane out at Dunmore weeks after cup triumph",
            "Dunmore part ways with Keane, assistant takes temporary charge",
        ],
        "facts": [
            "FC Dunmore dismissed manager Paul Keane after a run of five consecutive league defeats.",
            "The decision comes less than two weeks after Keane led the club to cup success.",
            "Assistant coach Rui Tavares will take charge of the team on an interim basis.",
            "Dunmore sit 16th in the table, two points above the relegation zone.",
        ]}},
    # --- Estria ---------------------------------------------------------------------------------------
    {"id": "estria-rates", "day": 3.3, "en": {
        "headlines": [
            "Estria central bank raises rates by 50 basis points",
            "Estrian central bank hikes key rate to 7.25% to fight inflation",
            "Estria surprises markets with bigger-than-expected rate hike",
            "Estria's krona rallies after half-point rate increase",
        ],
        "facts": [
            "The Central Bank of Estria raised its key interest rate by 50 basis points to 7.25%.",
            "Most economists had expected a quarter-point increase.",
            "Governor Elena Marsh said inflation, at 8.9%, remained far above the 3% target.",
            "The Estrian krona strengthened 1.2% against the euro after the decision.",
        ]},
     "ru": {
        "headlines": [
            "Центробанк Эстрии повысил ключевую ставку до 7,25%",
            "Эстрия неожиданно подняла ставку на 50 базисных пунктов",
        ],
        "facts": [
            "Центральный банк Эстрии повысил ключевую ставку на 50 базисных пунктов, до 7,25%.",
            "Большинство экономистов ожидали повышения на 25 пунктов.",
            "Инфляция в стране составляет 8,9% при цели 3%.",
        ]}},
    {"id": "estria-ai-law", "day": 9.0, "en": {
        "headlines": [
            "Estria passes sweeping law to regulate artificial intelligence",
            "Estrian parliament approves AI act with fines of up to 6% of turnover",
            "Estria's AI law bans real-time facial recognition in public spaces",
        ],
        "facts": [
            "The Estrian parliament approved a law regulating artificial intelligence by 112 votes to 41.",
            "Companies that break the rules face fines of up to 6% of global annual turnover.",
            "The law bans real-time facial recognition in public spaces, with narrow exceptions for police.",
            "Developers of large models must publish summaries of their training data.",
        ]}},
    {"id": "estria-election", "day": 13.5, "en": {
        "headlines": [
            "Estria prime minister calls snap election after coalition collapse",
            "Estrian coalition falls apart; voters to go to polls in June",
            "Estria heads for early election as Greens quit government",
        ],
        "facts": [
            "Estria's prime minister Viktor Halden called a snap general election for June 14 after the Green party left his coalition.",
            "The Greens withdrew in protest over a plan to expand offshore gas drilling.",
            "Polls show Halden's centre-right party neck and neck with the Social Democrats.",
            "The government will continue in a caretaker role until the vote.",
        ]}},
    # --- Stratus Cloud --------------------------------------------------------------------------------
    {"id": "stratus-outage", "day": 7.7, "en": {
        "headlines": [
            "Stratus Cloud outage takes down websites across Europe",
            "Stratus eu-west region fails, hitting banks and streaming services",
            "Stratus says power failure in Frankfurt data center caused outage",
            "Hours-long Stratus Cloud disruption knocks apps offline",
        ],
        "facts": [
            "A failure in Stratus Cloud's eu-west region left thousands of websites and apps unreachable for about four hours.",
            "Stratus said a power failure in a Frankfurt data center triggered cascading faults in its storage service.",
            "Banks, airlines and a major music streaming service reported disruptions.",
            "Stratus said it would publish a full incident review within two weeks.",
        ]}},
    {"id": "stratus-prices", "day": 12.8, "en": {
        "headlines": [
            "Stratus Cloud raises storage prices by 15%",
            "Stratus to charge more for object storage from July",
            "Customers protest Stratus Cloud price increase",
        ],
        "facts": [
            "Stratus Cloud will raise prices for its object storage service by 15% from July 1.",
            "The company cited higher energy costs and investment in new data centers.",
            "Prices for archive storage tiers will remain unchanged.",
            "Some customers said they would consider moving data to rival providers.",
        ]}},
    {"id": "stratus-quantum", "day": 17.0, "en": {
        "headlines": [
            "Stratus Cloud launches quantum computing service",
            "Stratus opens access to 128-qubit quantum processor",
            "Stratus Quantum lets developers rent qubits by the minute",
        ],
        "facts": [
            "Stratus Cloud launched Stratus Quantum, giving customers access to a 128-qubit superconducting processor.",
            "Developers can run circuits through the existing Stratus console and pay by the minute.",
            "The processor was built with research partner Qubitron Labs.",
            "Stratus said error rates were low enough for chemistry and optimisation experiments.",
        ]}},
    # --- Pixelforge ---------------------------------------------------------------------------------
    {"id": "pixelforge-delay", "day": 5.6, "en": {
        "headlines": [
            "Pixelforge delays Ashen Crown to 2027",
            "Ashen Crown pushed back a year as Pixelforge needs more polish",
            "Fans disappointed as Pixelforge postpones Ashen Crown release",
        ],
        "facts": [
            "Game studio Pixelforge delayed the release of fantasy role-playing game Ashen Crown from next spring to early 2027.",
            "Studio head Nadia Brooks said the team needed more time to fix performance problems on consoles.",
            "Ashen Crown was one of the most anticipated games after its trailer drew 40 million views.",
            "Pixelforge shares fell 11% after the announcement.",
        ]}},
    {"id": "pixelforge-ransomware", "day": 11.0, "en": {
        "headlines": [
            "Hackers leak Pixelforge source code after ransomware attack",
            "Pixelforge hit by ransomware, internal builds posted online",
            "Pixelforge confirms cyberattack, says player data safe",
        ],
        "facts": [
            "Pixelforge confirmed a ransomware attack after hackers posted source code and internal builds of several games online.",
            "The studio said it refused to pay the ransom demand.",
            "Pixelforge said no player account data or payment information had been accessed.",
            "The leak included early versions of Ashen Crown, which the studio asked fans not to share.",
        ]}},
    {"id": "pixelforge-union", "day": 18.0, "en": {
        "headlines": [
            "Pixelforge developers vote to unionise",
            "Workers at Pixelforge form studio's first union",
            "Pixelforge staff win union recognition after crunch complaints",
        ],
        "facts": [
            "Developers at Pixelforge voted 212 to 35 to form a union.",
            "Organisers cited long overtime periods, known as crunch, in the run-up to game releases.",
            "Pixelforge management said it would recognise the union and begin bargaining.",
            "The union covers programmers, artists and quality assurance testers.",
        ]}},
    # --- AeroLumen ----------------------------------------------------------------------------------
    {"id": "aerolumen-landing", "day": 2.9, "en": {
        "headlines": [
            "AeroLumen jet makes emergency landing after engine failure",
            "Passengers describe terror as AeroLumen flight loses engine",
            "AeroLumen flight 412 diverts to Shannon after engine shutdown",
        ],
        "facts": [
            "AeroLumen flight 412 from Boston to Lisbon made an emergency landing at Shannon after the crew shut down its left engine.",
            "The aircraft landed safely with 214 passengers and nine crew on board.",
            "Passengers reported a loud bang and flames from the engine about two hours into the flight.",
            "Air accident investigators have opened an inquiry.",
        ]}},
    {"id": "aerolumen-strike", "day": 9.8, "en": {
        "headlines": [
            "AeroLumen pilots strike, cancelling 800 flights",
            "Pilot walkout grounds AeroLumen fleet for two days",
            "AeroLumen strike leaves 100,000 passengers stranded",
        ],
        "facts": [
            "AeroLumen cancelled about 800 flights as pilots began a 48-hour strike over pay and rest periods.",
            "The pilots' union is seeking a 20% pay rise over three years.",
            "About 100,000 passengers were affected during the peak travel season.",
            "The airline said it would offer refunds or rebooking on partner carriers.",
        ]}},
    {"id": "aerolumen-order", "day": 15.5, "en": {
        "headlines": [
            "AeroLumen orders 50 new long-haul jets",
            "AeroLumen places $12 billion aircraft order",
            "AeroLumen expands fleet with 50 fuel-efficient widebodies",
        ],
        "facts": [
            "AeroLumen ordered 50 widebody jets in a deal worth about $12 billion at list prices.",
            "The new aircraft burn about 20% less fuel than the planes they replace.",
            "Deliveries are scheduled to begin in 2029.",
            "The airline plans to open new routes to Asia and South America.",
        ]}},
    # --- Caspia Oil ---------------------------------------------------------------------------------
    {"id": "caspia-discovery", "day": 1.0, "en": {
        "headlines": [
            "Caspia Oil discovers giant offshore field",
            "Caspia finds 1.2 billion barrels in deepwater block",
            "Caspia Oil's Tarkhan discovery is its biggest in a decade",
        ],
        "facts": [
            "Caspia Oil said its Tarkhan-1 exploration well found an estimated 1.2 billion barrels of recoverable oil.",
            "The deepwater field lies about 140 kilometres offshore.",
            "It is the company's largest discovery in more than a decade.",
            "Caspia expects first production from the field by 2030.",
        ]},
     "ru": {
        "headlines": [
            "Caspia Oil открыла крупное морское месторождение Тархан",
            "Запасы нового месторождения Caspia Oil оценены в 1,2 млрд баррелей",
            "Caspia Oil сообщила о крупнейшем открытии за десятилетие",
        ],
        "facts": [
            "Разведочная скважина Тархан-1 компании Caspia Oil обнаружила около 1,2 млрд баррелей извлекаемой нефти.",
            "Глубоководное месторождение находится примерно в 140 километрах от берега.",
            "Это крупнейшее открытие компании более чем за десять лет, добыча начнется к 2030 году.",
        ]}},
    {"id": "caspia-spill", "day": 6.8, "en": {
        "headlines": [
            "Caspia Oil pipeline leak spills crude near coastal village",
            "Clean-up under way after Caspia pipeline rupture",
            "Caspia Oil faces investigation over pipeline spill",
        ],
        "facts": [
            "A ruptured Caspia Oil pipeline spilled an estimated 2,000 barrels of crude near the village of Sarykum.",
            "Environmental inspectors said oil reached a wetland used by migrating birds.",
            "Caspia shut the pipeline and deployed 300 workers to contain the spill.",
            "Prosecutors opened an investigation into possible negligence.",
        ]},
     "ru": {
        "headlines": [
            "Разлив нефти на трубопроводе Caspia Oil у села Сарыкум",
            "Прокуратура начала проверку после аварии на нефтепроводе Caspia Oil",
            "Caspia Oil остановила трубопровод после утечки",
        ],
        "facts": [
            "Из поврежденного трубопровода Caspia Oil вылилось около 2000 баррелей нефти вблизи села Сарыкум.",
            "Нефть попала в водно-болотные угодья, где останавливаются перелетные птицы.",
            "Компания остановила трубопровод, на ликвидацию разлива направлены 300 рабочих, прокуратура начала проверку.",
        ]}},
    {"id": "caspia-dividend", "day": 14.6, "en": {
        "headlines": [
            "Caspia Oil raises dividend, announces $3 billion buyback",
            "Caspia rewards shareholders after record annual profit",
        ],
        "facts": [
            "Caspia Oil raised its annual dividend by 18% and announced a $3 billion share buyback.",
            "Annual net profit rose to a record $9.4 billion on higher output and refining margins.",
            "The board proposed a final dividend of 1.45 dollars per share.",
        ]},
     "ru": {
        "headlines": [
            "Caspia Oil повысила дивиденды и объявила обратный выкуп акций на 3 млрд долларов",
            "Рекордная прибыль позволила Caspia Oil увеличить дивиденды на 18%",
        ],
        "facts": [
            "Caspia Oil увеличила годовые дивиденды на 18% и объявила обратный выкуп акций на 3 млрд долларов.",
            "Чистая прибыль за год достигла рекордных 9,4 млрд долларов.",
            "Совет директоров предложил финальный дивиденд 1,45 доллара на акцию.",
        ]}},
    # --- Volga Tech ---------------------------------------------------------------------------------
    {"id": "volga-ipo", "day": 4.0, "en": {
        "headlines": [
            "Volga Tech shares jump 30% in Moscow IPO debut",
            "Volga Tech raises 12 billion roubles in stock market listing",
        ],
        "facts": [
            "Shares of software developer Volga Tech rose 30% on their first day of trading on the Moscow Exchange.",
            "The company raised 12 billion roubles in the initial public offering.",
            "Demand from retail investors exceeded the offer size several times.",
        ]},
     "ru": {
        "headlines": [
            "Акции Volga Tech подорожали на 30% в первый день торгов",
            "Volga Tech привлекла 12 млрд рублей в ходе IPO на Мосбирже",
            "Ажиотаж на IPO Volga Tech: спрос превысил предложение в несколько раз",
        ],
        "facts": [
            "Акции разработчика программного обеспечения Volga Tech выросли на 30% в первый день торгов на Московской бирже.",
            "Компания привлекла в ходе первичного размещения 12 млрд рублей.",
            "Спрос частных инвесторов в несколько раз превысил объем размещения.",
        ]}},
    {"id": "volga-llm", "day": 10.8, "en": {
        "headlines": [
            "Volga Tech unveils Sirin, its own large language model",
            "Volga Tech's Sirin chatbot takes on foreign AI assistants",
        ],
        "facts": [
            "Volga Tech presented Sirin, a large language model trained mainly on Russian-language text.",
            "The company says Sirin outperforms comparable open models on Russian reading comprehension tests.",
            "Business customers will be able to use Sirin through an API from next month.",
        ]},
     "ru": {
        "headlines": [
            "Volga Tech представила собственную языковую модель Sirin",
            "Нейросеть Sirin от Volga Tech будет доступна бизнесу через API",
            "Volga Tech запускает чат-бот Sirin",
        ],
        "facts": [
            "Volga Tech представила большую языковую модель Sirin, обученную преимущественно на русскоязычных текстах.",
            "По данным компании, Sirin превосходит сопоставимые открытые модели в тестах на понимание текста на русском языке.",
            "Корпоративные клиенты получат доступ к Sirin через API со следующего месяца.",
        ]}},
    {"id": "volga-office", "day": 17.5, "en": {
        "headlines": [
            "Volga Tech to open development centre in Kazan with 1,500 jobs",
        ],
        "facts": [
            "Volga Tech will open a development centre in Kazan that will employ 1,500 engineers by 2028.",
            "The regional government will provide land and tax incentives.",
        ]},
     "ru": {
        "headlines": [
            "Volga Tech откроет центр разработки в Казани на 1500 сотрудников",
            "В Казани появится новый офис Volga Tech",
            "Volga Tech наймет 1500 инженеров для казанского центра разработки",
        ],
        "facts": [
            "Volga Tech откроет в Казани центр разработки, в котором к 2028 году будут работать 1500 инженеров.",
            "Региональные власти предоставят компании землю и налоговые льготы.",
            "Центр займется облачными сервисами и искусственным интеллектом.",
        ]}},
]

# One-off stories (each its own cluster): the background noise every newsroom feed carries.
SINGLETONS = [
    "Museum returns stolen Bronze Age artefacts to Greece",
    "Scientists map the genome of the giant tortoise",
    "City council approves new bike lanes on Elm Street",
    "Heatwave warning issued for southern Spain",
    "Astronomers spot unusually bright supernova in nearby galaxy",
    "Local bakery wins national sourdough competition",
    "Marathon runner breaks course record in Rotterdam",
    "Volcano on remote island erupts, no residents at risk",
    "Zoo welcomes twin red panda cubs",
    "Novelist wins literary prize for debut about fishing village",
    "Archaeologists uncover Roman mosaic beneath car park",
    "Chess prodigy, 12, becomes youngest grandmaster this year",
    "Recall of frozen berries over hepatitis concerns",
    "Wildfire forces evacuation of mountain resort",
    "Jazz festival announces headline acts for summer",
    "В Москве открылась выставка старинных карт",
    "Школьники из Томска победили на олимпиаде по программированию",
    "В Карелии ожидаются сильные снегопады",
    "Новый мост через Обь откроют в сентябре",
    "В зоопарке Новосибирска родились тигрята",
]
# fmt: on
