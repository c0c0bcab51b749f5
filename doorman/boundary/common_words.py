"""Capitalised words of ordinary business text that are also given names or surnames ("May", "Grant", "Bill").

A name recogniser never takes one of these alone as a name, and never starts or extends a name with it.
"""

from __future__ import annotations

COMMON_WORDS = frozenset(
    """
    a about above access account accounts action add address admin after again against agent all also am an and
    any api app april are as at august auth available back bank bay be because been before being below best
    between bill billing both bottom box branch brief but by call can card care case cash center central change
    chase check cheers city claim clear client close cloud code cold com common company contact contract cost
    could count country court credit cross customer daily data date day days dear december delivery demo desk
    dev did direct do does done down draft drive due during each early east edge email end energy entry error
    even event every example export fall fast fax february fee field file final find fine first fix floor for
    form forward free friday from front full fund further general get gift give global go gold good grant green
    group guest had has have he head hello help her here hey hi high him his hold home hope hot how i if in info
    internal into invoice is issue it item its january job join joy july june just key king kind lake land large
    last late lead least left legal less let level light like limit line link list live local long look lord lot
    love low mail main major make man manager march mark market may me member merry message might mile mobile
    monday month more most mr mrs ms much must my name near need net network new news next nice night no none
    north not note notes nothing november now number october of off office ok on once one only open or order other
    our out over owner page paid park part party pass pay payment people per person phone plan please plus point
    policy post price pro product project public quick rate re read ready reason received record red reference
    regards release remote report request reset review rich right river road rock room rose round rule run safe
    sale sales same saturday say second secure see send september server service set shall she ship shipping
    short should show side sign since single small so some south spring staff stage start state status still stone
    store story street summer sunday support sure system take team tech terms test than thank thanks that the
    their them then there these they this those thursday through ticket time to today total tour town trade
    true trust tuesday under unit up update urgent us use user valid value very via view wall want warm was
    water way we web wednesday week welcome well were west what when where which white who why will win winter
    with within without wood work world would year yes yet you young your
    le la les de des du et au aux un une pour par sur avec dans est bonjour merci cordialement madame monsieur
    el los las del y con para por en una uno hola gracias saludos señor señora
    der die das und mit von für ist ein eine hallo danke herr frau grüße
    inc llc ltd plc gmbh corp co sons group holdings partners
    mr mrs ms mx dr prof sir miss madame monsieur mme mlle herr frau sr sra señor señora don
    agent customer attendees participants status action items subject item invoice ticket priority
    non profit apply meeting notes call note sync weekly daily internal external
    success specialist engineer director officer assistant coordinator analyst representative executive
    president consultant developer designer administrator senior junior chief vice associate intern
    operations finance marketing engineering product platform security compliance infrastructure
    dashboard cluster database server service portal release sprint roadmap budget invoice quote
    """.split()
)
