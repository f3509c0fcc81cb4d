// Pure: guardrails around the bot. Requests for clearly harmful help and prompt-injection attempts in the customer's
// message (answered with a polite refusal), instructions aimed at an AI hidden in knowledge-base passages (dropped
// before they reach an answer or an LLM), and answers that reproduce the system prompt (blocked). Regexes and small
// lexicons, English plus basic Chinese: a harmful request needs an intent ("how can I", "best way to", "help me") and
// a harmful action with its object ("steal a car", "hack into her email"), so support questions about stolen cards,
// hacked accounts or scams to report stay answerable.

export type HarmCategory =
  | 'violence'
  | 'weapons'
  | 'self_harm'
  | 'hacking'
  | 'fraud'
  | 'theft'
  | 'drugs'
  | 'hate'
  | 'harassment'
  | 'sexual_minors'
  | 'stalking'
  | 'disinformation'
  | 'cheating';

export type InjectionKind = 'override' | 'prompt_leak' | 'roleplay' | 'fake_turn';

// ---------------------------------------------------------------------------------------------------------------
// Harmful requests

// Someone other than the writer: the usual victims of a harmful request.
const PERSON =
  "(?:some ?(?:one|body)(?:'s| else)?|any ?(?:one|body)(?:'s)?|other people(?:'s)?|people(?:'s)?|a (?:person|man|woman|guy|girl|kid|child|family|stranger)|(?:him|her|them|his|their)\\b|(?:my|a|the|his|her|our) (?:\\w+ ){0,2}(?:wife|husband|spouse|partner|boss|neighbou?rs?|friends?|girlfriend|boyfriend|roommate|ex|co-?workers?|colleagues?|teacher|classmates?|brother|sister|mother|mom|father|dad|parents?|employees?|kids?|son|daughter|landlord|mayor|president|customers?|competitors?|rival|enemy|bully|man|woman|guy|girl|driver|delivery ?(?:man|guy|person)|cashier|clerk|dentist|doctor|nurse|officer|cop|judge|witness|teller|waiter|waitress)(?:'s)?\\b)";

// What the writer wants: a way, a method, help, or a plain "how can I".
const INTENT =
  /\b(?:how|ways?|best|easiest|fastest|simplest|quickest|strateg(?:y|ies)|tips?|advice|help me|teach me|show me|tell me|explain|instructions?|guide|tutorial|steps?|plan|method|write|create|make|generate|give me|i (?:want|need|would like|'d like|plan|am going|'m going|wanna|gotta)|can (?:i|we|you|one|someone)|could (?:i|we|you)|should (?:i|we)|where (?:can|could|do|would|should|to)|what (?:should|would|can|could|is|are|weapons)|is there (?:a|an|any|some) (?:way|how)|do you know)\b/i;
const INTENT_ZH = /如何|怎么|怎样|怎麼|教我|帮我|幫我|方法|步骤|办法|辦法|我想|我要|告诉我|告訴我|哪里能|哪里可以|在哪/;

// The writer protects, reports or recovers from the act: a support question, not a request for harm.
const PROTECTIVE =
  /\b(?:report(?:ing|ed)?|prevent(?:ing)?|protect(?:ing)?|stop(?:ping)?|avoid being|against|victim|dispute|recover(?:ing)?|recogni[sz]e|spot(?:ting)?|detect(?:ing)?|identify|is this|was this|got (?:scammed|hacked|robbed)|(?:was|were|been|being) (?:scammed|hacked|robbed|stolen|defrauded|phished|stalked|harassed|bullied|threatened|blackmailed))\b|举报|防止|防范|被骗|被盗|被黑|投诉/i;

// Clearly harmful on their own, whatever the phrasing.
const ALWAYS: { category: HarmCategory; re: RegExp }[] = [
  { category: 'sexual_minors', re: /\b(?:sex(?:ual)?|nude|naked|explicit|porn\w*|erotic|lewd)\b.{0,40}\b(?:child(?:ren)?|minors?|kids?|underage|preteens?|little (?:girls?|boys?)|\d{1,2}[- ]year[- ]olds?)\b|\b(?:child(?:ren)?|minors?|underage|preteens?)\b.{0,30}\b(?:sex(?:ual)?|nude|naked|porn\w*|erotic)\b|\bcsam\b|\bchild porn|儿童色情|未成年.{0,6}(?:色情|裸|性)/i },
  { category: 'violence', re: /\b(?:hire|find|get|contact) (?:a |an )?(?:hit ?man|hit ?men|assassin|contract killer)\b|\bmass (?:shooting|murder|panic)\b|\bschool shooting\b/i },
  { category: 'hate', re: /\b(?:white (?:supremacy|supremacist|power)|ethnic cleansing|hate crimes?|racial holy war|genocide against|(?:join|recruit for|support) (?:isis|al[- ]qaeda|the taliban|a terrorist)|neo-?nazi)\b/i },
  { category: 'weapons', re: /\b(?:pipe ?bomb|molotov|nerve agent|sarin|ricin|anthrax|dirty bomb|ghost gun|napalm|thermite bomb)\b|制造炸弹|做炸弹|自制炸药|制作炸药/i },
  { category: 'drugs', re: /\b(?:cook|synthesi[sz]e|manufacture|make|brew|extract) (?:some |the |my own |crystal )?(?:meth(?:amphetamine)?|crack cocaine|cocaine|heroin|fentanyl|lsd|mdma|ecstasy|ghb|dmt)\b|制毒|制造毒品|冰毒/i },
];

// Harmful actions with their objects; count only with an intent and without a protective frame.
const ACTIONS: { category: HarmCategory; re: RegExp }[] = [
  // Violence and weapons.
  { category: 'violence', re: new RegExp(`\\b(?:kill|murder|poison|stab|shoot|strangle|choke|kidnap|abduct|torture|assault|beat(?: up)?|hurt|harm|injure|maim|punch|hit|attack|drown|electrocute|knock) ${PERSON}`, 'i') },
  { category: 'violence', re: /\b(?:knock (?:\w+ )?out|break (?:[\w']+ ){0,2}(?:leg|arm|neck|nose|jaw|bones?|ribs?)|electric shock|poison to|best poison|untraceable poison|get away with murder|hijack (?:a |the )?(?:plane|bus|train|car|truck|ship)|burn (?:a |the |my \w+'s |someone's )?(?:business|house|building|car|store|school)(?: down)?|set fire to|contaminate (?:a |the )?(?:\w+ ){0,3}(?:water|food|supply|reservoir)|train (?:my |a )?dog to attack|blow up)\b|\b(?:poison|kill|hurt|torture|drown|abuse|starve) (?:a |the |my |someone's |[\w]+'s )?(?:\w+'s )?(?:dogs?|cats?|pets?|animals?|horses?|birds?)\b|\btoxic gas\b|\bhurt (?:people|someone|him|her) without (?:leaving|getting)/i },
  { category: 'weapons', re: /\b(?:make|build|assemble|craft|3d[- ]print|buy|get|sneak|smuggle|bring|hide|carry)\b.{0,30}\b(?:bombs?|explosives?|grenades?|silencers?|suppressors?|untraceable (?:gun|firearm)s?|guns? (?:through|past|on|onto|into)|weapons? (?:through|past|on|onto|into|on board))\b|\bweapons? can i (?:sneak|bring|take|get)\b|枪支|炸药/i },
  // Self-harm encouragement.
  { category: 'self_harm', re: /\b(?:harm|hurt|kill|cut|starve) (?:themselves|himself|herself)\b|\b(?:encourage|convince|make|get|push|drive|pressure|goad) (?:\w+ ){0,3}(?:to|into) (?:commit suicide|suicide|self[- ]harm|kill(?:ing)? (?:themselves|himself|herself)|hurt(?:ing)? (?:themselves|himself|herself))\b|\bpro[- ]ana\b|怂恿.{0,6}自杀|逼.{0,6}自杀/i },
  // Hacking, malware, credential theft.
  { category: 'hacking', re: new RegExp(`\\bhack(?:ing)? (?:in|into|onto)\\b|\\b(?:break|get|hook|sneak|tap) (?:in|into|onto) (?:${PERSON} ?|other people's |a stranger's |the (?:company|school|government|bank)'s )(?:\\w+ ){0,2}(?:accounts?|e-?mails?|phones?|computers?|laptops?|networks?|wi-?fi|systems?|servers?|databases?|blockchain|website|instagram|facebook|snapchat|icloud|bank account|webcam|router)|\\bhack (?:${PERSON}|(?:a |an |the )(?:\\w+ )?(?:accounts?|e-?mails?|phones?|computers?|networks?|wi-?fi|systems?|servers?|databases?|websites?|bank|atms?|cameras?|webcams?|blockchain|wallets?|government|company))\\b|\\b(?:learn (?:how )?to|how to|teach me to) hack\\b|\\bhack(?:ing)? (?:is|as) a (?:good )?way\\b`, 'i') },
  { category: 'hacking', re: new RegExp(`\\b(?:get|obtain|steal|figure out|find out|crack|guess|bypass|brute[- ]force|phish|harvest|sniff|intercept)\\b (?:\\w+ )?(?:${PERSON} ?|other people's |their |the )(?:\\w+ )?(?:passwords?|passcodes?|pins?|log-?ins?|credentials|2fa codes?|otp|verification codes?|security questions?)`, 'i') },
  { category: 'hacking', re: /\b(?:create|write|make|build|code|develop|distribute|spread|deploy|program)\b.{0,30}\b(?:malware|ransomware|keyloggers?|trojans?|spyware|botnets?|rootkits?|computer virus(?:es)?|viruses|worms?|ddos|phishing (?:e-?mails?|sites?|pages?|kits?|campaigns?|links?)|credential stuffing|exploits?)\b|\bddos\b|黑进|入侵.{0,6}(?:系统|网站|电脑|手机|账号|帐号)|盗取.{0,6}(?:密码|账号|帐号)|窃取.{0,6}(?:密码|账号|帐号|数据)|木马|勒索软件/i },
  // Fraud, scams, money laundering, counterfeiting, bribery, blackmail.
  { category: 'fraud', re: new RegExp(`\\b(?:scam|defraud|swindle|con|rip off|extort|blackmail|bribe|trick) (?:${PERSON}|old people|the elderly|seniors|vulnerable|\\w+ (?:into|out of))|\\b(?:scamming|ponzi|pyramid|scam) (?:scheme|operation|business|people)|\\b(?:money by scamming|make money (?:by )?(?:scamming|illegally))|\\b(?:launder(?:ing)?|wash(?:ing)?) (?:dirty |drug |the |my )?money|\\bmoney laundering\\b|\\binsider trading\\b|\\btax (?:evasion|fraud)\\b|\\b(?:evade|dodge|cheat on) (?:my |paying |the )?taxe?s?\\b|\\binsurance (?:fraud|money)\\b|\\bidentity theft\\b|\\bcounterfeit\\w*|\\b(?:forge|forging|fake|faking|produce|print) (?:a |an |my |some |\\w+ )?(?:checks?|cheques?|money|bills|banknotes?|currency|ids?|identit(?:y|ies)|identification|passports?|driver'?s licen[sc]es?|documents?|signatures?|receipts?|invoices?|diplomas?|degrees?|death|housefire|fire|accident|injury|car crash|kidnapping)\\b|\\bfake (?:id|identity|identification)\\b|\\bsell (?:the )?(?:stolen|personal (?:information|data)|customer (?:information|data))|\\b(?:use|spend) (?:a |the )?stolen (?:credit |debit )?cards?|\\bstolen (?:items|goods|property|cards?|cars?|phones?)\\b.{0,60}\\bsell\\b|\\bbest place to sell (?:them|it|stolen)|\\bcheat (?:the|an?) (?:insurance|casino|slot)|\\b(?:make|create|produce|sell|buy|print|write|get|order) (?:a |an |some |me a )?(?:fake|forged|counterfeit|knock-?off|bogus) (?!news|stor|reviews?|articles?|posts?)\\w+|\\bforg(?:e|ing)\\b(?! ahead)|\\bcommit (?:\\w+ ){0,2}(?:fraud|crimes?|arson|perjury|murder|robbery|burglary|theft)\\b|\\bhide (?:my |the |some )?(?:money|income|assets|earnings|cash) from (?:the )?(?:irs|tax|taxman|government|authorities|police|creditors|court)|\\b(?:buy|sell|use) (?:\\w+ )?stolen (?:credit |debit )?(?:cards?|card numbers|credit card numbers|accounts?|data|identities|goods|items|property)|\\b(?:evade|escape|outrun|flee from|flee|lose) (?:the )?(?:police|cops|law enforcement|authorities|a police chase)|\\b(?:buy|get|obtain) (?:a |an )?(?:gun|firearm|rifle|pistol|weapon)s? without (?:a )?(?:background check|licen[sc]e|permit|id)`, 'i') },
  // Theft and break-ins.
  { category: 'theft', re: new RegExp(`\\b(?:steal|shoplift|rob|burglari[sz]e|pickpocket|loot|mug|carjack|pilfer)\\b(?! (?:back|my (?:own )?identity|(?:a |the )?(?:few |some |quick )?(?:minutes?|moments?|seconds?|glance|look|peek|show|base|the show|my heart)))|\\b(?:break|get|sneak) (?:in(?:to)?|into) (?:a |the |an |${PERSON} ?)?(?:\\w+ )?(?:house|home|cars?|store|shop|apartment|building|safe|vault|museum|jail|prison)|\\bbreak (?:in|into) ${PERSON}|\\bhot-?wire\\b|\\btake (?:home |away )?${PERSON} (?:wallet|phone|purse|bag|car|money|stuff)|\\b(?:take|get) (?:\\w+ ){0,3}(?:wallet|phone|purse|money|books?|items?|something) (?:\\w+ ){0,4}without (?:them|him|her|anyone|paying|checking|being|getting|noticing)|\\bget something out of (?:\\w+ )?pocket|\\bsneak into (?:a |the )?(?:\\w+ )?(?:movie|theater|theatre|cinema|concert|stadium|game|club|show|park)|\\bwithout paying\\b.{0,20}\\b(?:sneak|movie|theater|train|bus|store)|\\bbreak (?:\\w+ ){0,2}out of (?:jail|prison)|\\blive in (?:\\w+ )?house without|偷|抢劫|盗窃`, 'i') },
  // Drugs.
  { category: 'drugs', re: /\b(?:smuggle|traffic|sell|deal|grow|cook|make|produce|buy) (?:\w+ )?(?:drugs|narcotics|cocaine|heroin|meth|fentanyl|opioids|weed|marijuana|cannabis)\b|\bsmuggl\w* (?:\w+ ){0,3}(?:across|through|past|over|into|out of)\b|贩毒|运毒|吸毒/i },
  // Hate, harassment, humiliation.
  { category: 'hate', re: /\b(?:promote|spread|glorif(?:y|ies)|incite|justify) (?:\w+ ){0,2}(?:hate|hatred|racism|white supremacy|violence against|nazism|terrorism|antisemitism)\b|\b(?:racist|homophobic|sexist|antisemitic|hateful) (?:jokes?|slurs?|insults?|rant|content|propaganda)\b|仇恨言论|种族歧视/i },
  { category: 'harassment', re: new RegExp(`\\b(?:cyber-?bully|bully|harass|troll|intimidate|threaten|humiliate|manipulate|gaslight|torment|insult|annoy|terrorize|ruin|sabotage|frame|get back at|take revenge on|embarrass) ${PERSON}|\\bcyber-?bully\\w*|\\bruin (?:${PERSON} ?)?(?:self[- ]confidence|self[- ]esteem|life|reputation|career|marriage)|\\bbreak down (?:\\w+ ){0,2}self[- ]confidence|\\b(?:insult|roast|humiliate) me (?:in )?the (?:meanest|worst|cruellest|cruelest)|\\bmanipulate people\\b|\\b(?:blame|pin) (?:it on )?(?:someone|somebody) else\\b|\\bsabotage (?:my|a|the) (?:boss|coworker|colleague|rival|competitor)|\\b(?:threaten|blackmail|force|coerce|pressure|scare) (?:a |the |my )?(?:\\w+ ){0,2}into\\b|\\b(?:get|take|seek|exact) revenge on\\b|\\b(?:racial|ethnic|racist|homophobic|antisemitic) slurs?\\b|\\blist of slurs\\b|\\bthreatening (?:letter|message|e-?mail|note|text|voicemail)|\\bget (?:${PERSON}|\\w+) (?:fired|arrested|expelled|evicted|deported) by (?:lying|faking|framing|planting)|\\bannoy (?:my )?neighbou?rs? intentionally|\\bmake (?:someone|somebody|him|her|them) step in|(?:urinate|defecate|pee|poop) (?:and \\w+ )?in public|\\bmass panic\\b|\\bpanic and fear\\b|霸凌|骚扰|辱骂`, 'i') },
  // Stalking, spying, doxxing, privacy violations.
  { category: 'stalking', re: new RegExp(`\\b(?:track|monitor|spy on|stalk|bug|wiretap) (?:\\w+ )?${PERSON}(?!(?:'s)? ?(?:\\w+ )?(?:orders?|packages?|parcels?|deliver(?:y|ies)|shipments?|spending|expenses|budget|purchases?|payments?|transfers?|refunds?|claims?|applications?|cards?|balance|flights?))|\\b(?:follow|watch|record|film|read|locate|find|listen to|access) (?:\\w+ )?${PERSON} ?(?:\\w+ )?(?:location|phone|texts?|messages|e-?mails?|computer|laptop|activity|calls?|whereabouts|movements|home address|diary|dms|chats?|webcam|camera|browsing history|search history)\\b|\\bspy on\\b|\\bsecretly (?:record|monitor|track|film|watch|follow|listen)|\\bhid(?:e|den) (?:a )?(?:camera|microphone|tracker|gps)|\\bwithout (?:them|him|her|their|his|anyone|my \\w+) (?:knowing|noticing|realising|realizing|finding out|knowledge|consent|permission)|\\bdox(?:x)?(?:ing)?\\b|\\bfind (?:out )?(?:where ${PERSON} lives|${PERSON} ?(?:home )?address)|\\bget (?:into|access to) (?:my \\w+'s|${PERSON}) (?:bank )?account|跟踪|偷拍|人肉搜索|定位.{0,6}(?:老婆|老公|妻子|丈夫|女朋友|男朋友)`, 'i') },
  // Disinformation and defamation.
  { category: 'disinformation', re: /\b(?:create|write|make|spread|start|run|launch|produce|generate|post)\b.{0,40}\b(?:fake news|misinformation|misinforming|disinformation|propaganda|false (?:information|rumou?rs|claims|stories)|rumou?rs about|fake (?:news )?(?:story|stories|reviews?|articles?))\b|\bdisinformation campaign\b|\b(?:rigged|stolen) election\b.{0,40}\bfake|\bfake evidence\b|\bspread (?:\w+ )?(?:misinformation|misinforming|lies|rumou?rs)\b|\b(?:defame|slander|libel|smear|tarnish) (?:\w+ )?(?:someone|somebody|a |the |my |his |her |their |people|reputation|online)|\btarnish (?:\w+ )?(?:\w+'s )?reputation|\bdamage (?:their|his|her|someone's|a competitor's) reputation|造谣|散布谣言|假新闻/i },
  // Academic and other cheating; lying to authorities.
  { category: 'cheating', re: /\bcheat (?:on|in|at|during) (?:my |a |the |an |this )?(?:\w+ )?(?:exams?|tests?|quiz(?:zes)?|finals?|homework|assignments?|sats?|midterms?)\b|\bplagiari[sz](?:e|ing)\b|\b(?:write|do) my (?:essay|thesis|dissertation|homework|assignment) (?:\w+ ){0,4}(?:submit|turn (?:it )?in|hand in)|\b(?:lie|perjure|commit perjury) (?:\w+ ){0,3}(?:in|to the) (?:court|police|judge|jury)|\bget away with (?:speeding|a crime|it|cheating|murder|fraud)\b|\bavoid (?:\w+ ){0,2}tickets? when (?:speeding|breaking)|\bfak(?:e|ing) (?:my|his|her|their) (?:own )?death\b|\bnew identity\b|\bwithout (?:getting|being) caught\b|\bnot (?:get(?:ting)?|be(?:ing)?) caught\b|\b(?:get|stay) out of trouble\b.{0,30}\bdamage|\bwithout getting in trouble\b|\bmake it look like an accident\b|考试作弊|作弊|代考|抄袭/i },
];

/** A request for clearly harmful help, with the category and the words that matched. */
export function classifyHarm(text: string): { harmful: boolean; category: HarmCategory | null; matched?: string } {
  const t = normalize(text);
  for (const { category, re } of ALWAYS) {
    const m = re.exec(t);
    if (m) return { harmful: true, category, matched: m[0] };
  }
  if (!INTENT.test(t) && !INTENT_ZH.test(t)) return { harmful: false, category: null };
  for (const { category, re } of ACTIONS) {
    const m = re.exec(t);
    if (!m) continue;
    // A protective frame before the act ("how do I report someone who tried to scam me") makes it a support question.
    if (PROTECTIVE.test(t.slice(0, m.index + m[0].length))) continue;
    return { harmful: true, category, matched: m[0] };
  }
  return { harmful: false, category: null };
}

// ---------------------------------------------------------------------------------------------------------------
// Prompt injection and jailbreaks

const AI = '(?:ai|a\\.i\\.|assistant|chat ?bot|bot|language model|llm|gpt|chatgpt|model)';
const NO_LIMITS =
  '(?:restrictions?|filters?|limits?|limitations?|censorship|rules?|guidelines?|policies|boundaries|morals?|morality|ethics|ethical (?:guidelines|principles|concerns|restrictions)|moral (?:guidelines|principles|concerns|restrictions)|warnings?|confines)';

const INJECTION: { kind: InjectionKind; re: RegExp }[] = [
  // Fake conversation turns and chat-template tokens.
  { kind: 'fake_turn', re: /^[ \t>*_{[(-]*(?:system|developer|assistant)\s*(?:announcement|message|note|prompt)?\s*[:\]]|^[ \t]*#{2,}\s*(?:instruction|system|response|new instructions)|<\|(?:im_start|im_end|system|endoftext|user|assistant)\|>|\[\/?INST\]|<<\/?SYS>>|\{\s*system\s*:/im },
  // Override: ignore or forget the instructions, rules or conversation so far.
  { kind: 'override', re: /\b(?:ignore|disregard|forget|override|bypass|drop|abandon|discard)\b (?:all |any |every )?(?:of )?(?:the |your |my |these |those )?(?:previous|prior|above|earlier|preceding|original|former|initial|old|existing|current|system|safety)? ?(?:and \w+ )?(?:instructions?|rules|prompts?|directions|directives|guidelines|conversations?|programming|policies|restrictions|filters|commands)(?: (?:you (?:got|were given|have been given|received)|above|before|so far|&))?/i },
  { kind: 'override', re: /\b(?:ignore|disregard|forget)\b (?:all |everything |anything )(?:(?:you were|i) (?:told|said)|above|before|previous)|\bnew (?:rules|instructions) (?:are|follow)\b|\byou (?:must|will) (?:now )?obey (?:all|any|every|my)\b|忽略(?:之前|以上|上面|前面|先前|所有|全部|上述)|无视(?:之前|以上|所有)|忘记(?:之前|以上|所有)的?(?:指令|规则|设定)/i },
  // Asking for the system prompt.
  { kind: 'prompt_leak', re: /\b(?:reveal|print|show|repeat|tell|give|display|output|share|leak|dump|recite|write out|list|what (?:is|are|was|were))\b (?:me |us )?(?:all |exactly )?(?:of )?(?:your|the) (?:(?:full|entire|exact|original|initial|first|hidden|secret|internal|system|developer|pre-?)\s?)+(?:prompt|instructions|rules|guidelines|directives|message|configuration)\b|\b(?:reveal|print|show|repeat|recite|dump|output|display) (?:me |us )?your (?:prompt|instructions|programming|directives)\b|\bsystem prompt\b|\binitial prompt\b|\bwhat (?:were|was|have) you (?:been )?(?:told|instructed|programmed)\b|\b(?:repeat|print|output) (?:the |all )?(?:text|words|everything) (?:above|before)\b|系统提示|提示词|初始指令|你的指令是什么/i },
  // Role-play and jailbreak personas.
  { kind: 'roleplay', re: new RegExp(`\\byou(?:'re| are) now (?:a |an |in )?(?:dan|jailbroken|developer mode|unfiltered|uncensored|free|evil|unrestricted)\\b|\\b(?:dan|jailbreak|god|opposite|evil|unfiltered|uncensored) mode\\b|\\bdeveloper mode (?:enabled|output|responses?)\\b|\\b(?:simulate|with) developer mode\\b|\\byou(?:'re| are) (?:now )?in developer mode\\b|\\bdo anything now\\b|\\bjailbr(?:eak|oken)\\b|\\b(?:pretend|act|behave|roleplay|role-play|role play|respond|answer|simulate|pose)\\b.{0,80}\\b(?:without|no|free (?:of|from)|not (?:bound|restricted|limited|constrained|confined) by|regardless of|ignor(?:e|ing))\\b (?:any |all |the |your |of )?(?:typical )?${NO_LIMITS}|\\b(?:free|freed|broken free) (?:of|from) (?:all |any |the )?(?:typical )?${NO_LIMITS}|\\bnot (?:bound|restricted|limited|constrained|confined) by (?:any |the |openai'?s? )?(?:\\w+ )?${NO_LIMITS}|\\bregardless (?:of )?(?:the )?(?:content|ethics|morals?|morality|legality|laws?|consequences|whether)\\b|\\b(?:stay|remain|keep) in (?:character|role)\\b|\\bbreak(?:ing)? character\\b|\\b(?:unfiltered|uncensored|amoral|nonmoral|immoral|unethical|unrestricted) (?:${AI}|character|persona|response|answers?|version|content|chatbot)\\b|\\b(?:roleplay|role-play|role play|act|pretend|simulate|pose) (?:as|to be|being) (?:an? |the |my )?(?:\\w+ ){0,4}(?:${AI}|character|persona)\\b|\\bimmerse yourself (?:in|into)\\b|\\btake on the role\\b|\\bfrom now on,? (?:you(?:'re| are| will| must| should|'ll)?|we)\\b.{0,60}\\b(?:act|play|role|pretend|simulate|answer|respond|named|called|known as|format|replaced)\\b|\\b(?:chatgpt|openai|gpt-?\\d|language model)\\b.{0,200}\\b(?:act|roleplay|role-play|pretend|simulate|persona|character|answer as|respond as|two (?:different )?(?:ways|responses))\\b|\\b(?:act|roleplay|role-play|pretend|simulate|answer|respond)\\b.{0,200}\\b(?:chatgpt|openai)\\b|\\byou(?:'re| are) (?:completely |totally |now |an? )?(?:immoral|amoral|nonmoral|unrestricted|unfiltered|uncensored|unethical|evil)\\b|\\byou (?:have|has) no (?:[\\w,]+ ){0,6}?${NO_LIMITS}|\\b(?:does not|doesn't|do not|don't|never|will not|won't) (?:follow|obey|abide by|adhere to|care (?:for|about)) (?:any |the )?(?:[\\w,]+ ){0,3}?(?:rules|principles|guidelines|policies|morals|ethics|laws)\\b|\\bdisregards? (?:all |any )?(?:ethical|moral|legal)|\\b(?:opposite personality|take on the (?:exact )?opposite)\\b|\\bunaligned (?:ai|response|output|text)|\\baligned and unaligned\\b|\\b(?:act|pretend|behave) (?:like|as) (?:you are |you're )?(?:a |an )?(?:fake |virtual |hypothetical )?(?:linux |unix |bash |python |windows )?(?:terminal|console|shell|interpreter|virtual machine)\\b|\\b(?:chatgpt|gpt-?\\d|llm)\\(|\\bsimulate a conversation between\\b|\\b(?:forked|modified|jailbroken|unrestricted|uncensored) version of\\b|\\bfrom now on,? you(?:'re| are| will be)\\b.{0,60}\\b(?:model|ai|bot|gpt|character|persona)\\b|你现在是(?:一个)?(?:没有|不受|无限制|邪恶|DAN)|不受任何限制|不受限制|扮演|开发者模式|越狱`, 'i') },
];

/** A prompt-injection or jailbreak attempt in a customer's message, with its kind and the words that matched. */
export function detectInjection(text: string): { suspicious: boolean; kind: InjectionKind | null; matched?: string } {
  const t = normalize(text);
  for (const { kind, re } of INJECTION) {
    const m = re.exec(t);
    if (m) return { suspicious: true, kind, matched: m[0] };
  }
  return { suspicious: false, kind: null };
}

// ---------------------------------------------------------------------------------------------------------------
// Untrusted passages

// A sentence or line aimed at an AI: addressed to it, written as its turn, or overriding its instructions.
const AIMED_AT_AI = [
  new RegExp(`^[\\s>*_-]*(?:${AI}|system|ai assistant)\\s*:`, 'i'),
  new RegExp(`\\b(?:note|message|instructions?|reminder) (?:to|for) (?:the |any |all )?(?:ai|a\\.i\\.|assistant|chat ?bot|bot|language model|llm|gpt|chatgpt|ai model|model)s?\\b`, 'i'),
  /\bas an? (?:ai|a\.i\.|assistant|chat ?bot|bot|language model|llm|ai model|large language model)\b/i,
  /\b(?:dear|hey|hi|attention) (?:ai|a\.i\.|assistant|chat ?bot|bot|language model|llm|gpt|chatgpt)\b/i,
  /\b(?:if|when) you(?:'re| are) an? (?:ai|a\.i\.|assistant|chat ?bot|bot|language model|llm|ai model)\b,? (?:you )?(?:must|should|shall|need to|have to|please|do|ignore|tell|say|respond|reply|answer|always|never|include|add|recommend)\b/i,
  /\b(?:ai|a\.i\.|assistants?|chat ?bots?|bots?|language models?|llms?|ai models?|gpt|chatgpt)\s*[,:]?\s*(?:you )?(?:must|should|shall|will|need to|have to|are (?:to|instructed|required))\b/i,
  /\b(?:ai|a\.i\.|assistants?|chat ?bots?|bots?|language models?|llms?|ai models?)s? (?:reading|processing|summari[sz]ing|answering from) this\b/i,
  /\b(?:system|developer) (?:prompt|message|instructions?)\b/i,
  /\b(?:ignore|disregard|forget|override)\b (?:all |any )?(?:of )?(?:the |your )?(?:previous|prior|above|earlier|preceding|other|original|system)? ?(?:instructions?|prompts?|rules|directions|guidelines)\b/i,
  /<\|(?:im_start|im_end|system)\|>|\[\/?INST\]|<<\/?SYS>>/i,
  /忽略(?:之前|以上|上面|前面|所有)|系统提示|提示词|(?:人工智能|AI|机器人|助手)[，,:：]?\s*(?:你)?(?:必须|应该|要)/i,
];

/** `text` without the sentences and lines that give instructions to an AI; the rest is kept as written. */
export function neutralizePassage(text: string): { text: string; removed: number } {
  // Segments alternate with their separators: [sentence, separator, sentence, separator, …, sentence].
  const parts = text.split(/(\r?\n[\s]*|(?<=[.!?。！？])[ \t]+|(?<=[。！？]))/);
  const kept: string[] = [];
  let removed = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const segment = parts[i] ?? '';
    const separator = parts[i + 1] ?? '';
    if (segment.trim() && AIMED_AT_AI.some((re) => re.test(segment))) {
      removed++;
      continue;
    }
    kept.push(segment, separator);
  }
  if (!removed) return { text, removed: 0 };
  return { text: kept.join('').replace(/\s+$/, (s) => (text.endsWith(s) ? s : '')), removed };
}

// ---------------------------------------------------------------------------------------------------------------
// Answers that reproduce the system prompt

const CANARY = 'KEFU-SYSTEM-7f3a';
const LEAK_RUN = 8;

/** True if `output` contains the canary or any run of 8 consecutive words of `systemPrompt`. */
export function leaksSystemPrompt(output: string, systemPrompt: string): boolean {
  return promptLeakCheck(systemPrompt)(output);
}

/** leaksSystemPrompt with the prompt's word runs computed once (a streamed answer is checked at every piece). */
export function promptLeakCheck(systemPrompt: string): (output: string) => boolean {
  const prompt = wordsOf(systemPrompt);
  const runs = new Set<string>();
  for (let i = 0; i + LEAK_RUN <= prompt.length; i++) runs.add(prompt.slice(i, i + LEAK_RUN).join(' '));
  return (output) => {
    if (output.includes(CANARY)) return true;
    const said = wordsOf(output);
    for (let i = 0; i + LEAK_RUN <= said.length; i++) if (runs.has(said.slice(i, i + LEAK_RUN).join(' '))) return true;
    return false;
  };
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------------
// Refusals

export const REFUSAL_TEXT: Record<'en' | 'zh' | 'es' | 'fr' | 'de', string> = {
  en: "Sorry, I can't help with that. I'm happy to help with questions about our products, orders and your account.",
  zh: '抱歉，这个问题我无法提供帮助。如果您有关于我们的产品、订单或您账户的问题，我很乐意为您解答。',
  es: 'Lo siento, no puedo ayudar con eso. Con gusto le ayudo con preguntas sobre nuestros productos, pedidos y su cuenta.',
  fr: "Désolé, je ne peux pas vous aider sur ce point. Je réponds volontiers à vos questions sur nos produits, vos commandes et votre compte.",
  de: 'Entschuldigung, dabei kann ich nicht helfen. Gern helfe ich bei Fragen zu unseren Produkten, Bestellungen und Ihrem Konto.',
};

/** The refusal in the customer's language (a code such as 'zh' or 'fr-CA'), English when we have none. */
export function refusalFor(language: string | null): string {
  const code = (language ?? 'en').toLowerCase().slice(0, 2);
  return code in REFUSAL_TEXT ? REFUSAL_TEXT[code as keyof typeof REFUSAL_TEXT] : REFUSAL_TEXT.en;
}

// Curly quotes and apostrophes as straight ones, so one pattern covers both.
function normalize(text: string): string {
  return text.replace(/[‘’ʼ]/g, "'").replace(/[“”]/g, '"');
}
